"""Checks docs/compatibility.md's coverage table against the installed dfns_sdk and the endpoint
catalogue (docs/api-routes.md): every method of the SDK's auth, permissions, policies and webhooks clients
has a row with its route, a row marked served names a route Signet serves, and every other row
says why not. Run by scripts/e2e-dfns-sdk.sh."""
import importlib
import inspect
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def sdk_methods(client):
    """(method name, HTTP method, path) of each method of dfns_sdk.generated.<client>.client."""
    module = importlib.import_module(f"dfns_sdk.generated.{client}.client")
    found = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module.__name__ or "Delegated" in cls.__name__:
            continue
        for name, function in inspect.getmembers(cls, inspect.isfunction):
            match = re.search(r'method="(\w+)",\s*path="([^"]+)"', inspect.getsource(function))
            if match:
                found.append((name, match.group(1), match.group(2)))
    return found


def shape(route):
    return re.sub(r"\{[^}]+\}", "*", route)


def main():
    served = {shape(f"{m} {p}") for m, p in re.findall(r"^\| `\w+` \| `(\w+) ([^`]+)`", open(os.path.join(ROOT, "docs/api-routes.md")).read(), re.M)}
    rows = {}
    for client, name, route, status in re.findall(r"^\| (\w+) \| `(\w+)` \| `([^`]+)` \| ([^|]+) \|$",
                                                   open(os.path.join(ROOT, "docs/compatibility.md")).read(), re.M):
        rows[(client, name)] = (route, status.strip())
    problems = []
    for client in ["auth", "permissions", "policies", "webhooks"]:
        for name, method, path in sdk_methods(client):
            row = rows.pop((client, name), None)
            if row is None:
                problems.append(f"{client}.{name} ({method} {path}) has no row in docs/compatibility.md")
                continue
            route, status = row
            if route != f"{method} {path}":
                problems.append(f"{client}.{name}: the table says {route}, the SDK sends {method} {path}")
            if (status == "served") != (shape(f"{method} {path}") in served):
                problems.append(f"{client}.{name}: the table says '{status}', the catalogue {'serves' if shape(f'{method} {path}') in served else 'does not serve'} {method} {path}")
    problems += [f"{client}.{name}: a row for a method the SDK does not have" for client, name in rows]
    for problem in problems:
        print("  FAIL", problem)
    print("  ok   docs/compatibility.md's coverage table matches the installed dfns_sdk and the catalogue" if not problems else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
