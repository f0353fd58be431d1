"""REST API of the audit trail: verification, public key, checkpoints and adoptions."""
