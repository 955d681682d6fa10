"""Injected defects: which records get one (:mod:`.plan`), and how text and dates break."""
