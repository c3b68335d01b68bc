"""What the end-to-end tests share: a check that records failures instead of stopping, and the
check that a dfns_sdk call is refused with a given HTTP status."""
from dfns_sdk.types import DfnsError

failures = []


def check(condition, what):
    print(("  ok   " if condition else "  FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def expect_error(status, what, call):
    try:
        call()
    except DfnsError as error:
        check(error.status_code == status, f"{what}: {status} (got {error.status_code}: {error.message})")
        return error
    check(False, f"{what}: {status} (the call succeeded)")
    return None
