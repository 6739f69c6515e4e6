"""Building blocks of the claim extractor: numbers, dates, measures, asserters, storage."""
