"""Project data of the audits app (the ISO/IEC 42001 catalogue and its crosswalks)."""
