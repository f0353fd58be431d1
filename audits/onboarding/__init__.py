"""The first run for a real organisation (no demo data): a guided start at /start/ — the
organisation's profile, the AIMS scope and frameworks in use, taking stock of AI use, a gap
assessment of every requirement and control (the SoA's first draft), then the 90-day plan."""
