"""Status list errors, each with a stable reason code."""

from __future__ import annotations

from nansen.errors import StatusListError


class MalformedStatusListError(StatusListError):
    reason = "status_list_malformed"


class StatusListTooLargeError(StatusListError):
    reason = "status_list_too_large"


class StatusIndexError(StatusListError):
    reason = "status_index_out_of_range"


class StatusListFullError(StatusListError):
    reason = "status_list_full"
