"""Test files as the audit reads them: source and scopes, events, collected functions.

``analysis.analyse`` turns one file into a ``program.Program``.
"""
