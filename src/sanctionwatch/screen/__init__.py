"""screen stage."""

from sanctionwatch.screen.speedups import guard

guard()  # a compiled build of the matcher is used only while it matches its source
