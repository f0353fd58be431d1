"""Fault scenarios, each run by tests/integration/test_faults.py in a pytest process of its
own whose environment points at the throwaway services it starts (the file names do not
match ``test_*.py``: run alone, without those services, they would test nothing)."""
