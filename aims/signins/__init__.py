"""Sign-ins: the lockout after repeated failures (django-axes, counted in the shared cache),
the throttle of the token endpoint, and the append-only audit record of every sign-in,
failure, lockout and sign-out that governance officers read at /accounts/sign-ins/."""
