"""Which check an SD-JWT error counts against: the part of the SD-JWT it names."""

from __future__ import annotations

from nansen.credential.result import CheckName
from nansen.sdjwt.errors import Part, SdJwtError

_BY_PART: dict[Part, CheckName] = {
    Part.ISSUER_JWT: CheckName.SIGNATURE,
    Part.ISSUER_KEY: CheckName.ISSUER_TRUST,
    Part.DISCLOSURES: CheckName.DISCLOSURES,
    Part.VALIDITY: CheckName.VALIDITY_PERIOD,
    Part.KEY_BINDING: CheckName.KEY_BINDING,
}


def check_for(error: SdJwtError) -> CheckName:
    """An error no step located (none should reach here) counts against the issuer JWT's signature
    check: the envelope, whose failure an officer reads as "this is not a credential"."""
    return _BY_PART[error.part] if error.part is not None else CheckName.SIGNATURE
