"""The verifiable audit trail.

- :mod:`.canonical` fingerprints a history row from its values as the database stores them;
- :mod:`.chain` seals every history row into a hash chain in the transaction that writes it,
  and adopts bulk-loaded rows on an officer's word;
- :mod:`.verify` recomputes the whole chain and reports every problem it finds;
- :mod:`.guard` installs the PostgreSQL triggers that make history append-only;
- :mod:`.signing` and :mod:`.checkpoints` sign the chain's head (Ed25519) into checkpoints kept
  in the database and in storage, so a wipe of both history and chain is still detected;
- :mod:`.packverify` is the standalone verifier shipped inside every evidence-pack ZIP;
- :mod:`.views` and :mod:`.urls` are the trail page (namespace "audits"), :mod:`.api` its
  REST API, and :mod:`.tasks` the daily checkpoint task of the beat schedule.
"""
