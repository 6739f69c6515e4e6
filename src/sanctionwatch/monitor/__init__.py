"""monitor stage: watched sources, alerts, analysts' review decisions and the audit trail.

Sits after flags in the data flow: it may call every earlier stage; none of them imports it.
"""
