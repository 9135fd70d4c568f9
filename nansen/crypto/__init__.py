"""Keys and JWS: P-256 / ES256 only. Pure functions; keys are parsed once and passed in."""
