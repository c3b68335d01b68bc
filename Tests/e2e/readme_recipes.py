"""The README's recipes, run as a reader would, in the order written: the `signet` command-line
quick start, the Swift SDK's shell setup, then the Python quick start, against one
`signet serve --dev` started in a fresh folder (as `swift run signet serve --dev` would be).

Each ```sh block of those sections runs in bash with `set -e`; a block that fails fails the test.
Two lines are adapted, and only these: `swift build && export PATH=…` (the binary under test is put
on PATH instead), and `python3 -m venv .venv && ` (.venv is the test's own virtual environment,
which already holds dfns_sdk). Files named in the text (`quickstart.py`) are written from the
block that follows their mention.

usage: readme_recipes.py SIGNET WORK_DIR VENV"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from e2e_checks import check, failures

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNET, WORK, VENV = sys.argv[1], sys.argv[2], sys.argv[3]
SECTIONS = ["Quick start with the `signet` command line", "The Swift SDK", "Quick start with the Python SDK"]


def sections(readme):
    """{heading: text} for every `## ` section."""
    parts = re.split(r"^## (.+)$", readme, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def blocks(text):
    """The fenced blocks of a section, in order, as (language, body)."""
    return re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)


def adapt(script):
    lines = []
    for line in script.splitlines():
        if line.startswith("swift build && export PATH="):
            line = f'export PATH="{os.path.dirname(SIGNET)}:$PATH"'
        line = line.replace("python3 -m venv .venv && ", "")
        lines.append(line)
    return "\n".join(lines) + "\n"


def run_terminal(steps, environment):
    """Runs the shell blocks one after another in one bash, as one terminal would (what a block
    exports, the next sees); says which block failed."""
    script = "".join(f'echo "::step {index}::"\n{adapt(body)}' for index, (_, body) in enumerate(steps))
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=WORK, env=environment, capture_output=True, text=True,
                            timeout=600)
    reached = [int(n) for n in re.findall(r"^::step (\d+)::$", result.stdout, flags=re.M)]
    for index, (what, _) in enumerate(steps):
        if index in reached[:-1] or (index == reached[-1] and result.returncode == 0):
            check(True, f"{what} ran")
        elif index == reached[-1]:
            check(False, f"{what} ran (exit {result.returncode})")
            print(adapt(steps[index][1]), result.stdout[-2000:], result.stderr[-2000:], sep="\n---\n", flush=True)
        else:
            check(False, f"{what} was not reached")


def typecheck_swift(code):
    """Type-checks the README's Swift program against the modules the build made (as a package that
    depends on SignetClient would see them)."""
    build = os.path.dirname(SIGNET)
    source = os.path.join(WORK, "main.swift")
    open(source, "w").write(code)
    arguments = ["swiftc", "-typecheck", "-I", os.path.join(build, "Modules"), source]
    for entry in sorted(os.listdir(build)):
        module_map = os.path.join(build, entry, "module.modulemap")
        if os.path.exists(module_map):
            arguments += ["-Xcc", f"-fmodule-map-file={module_map}"]
    checkouts = os.path.join(ROOT, ".build", "checkouts")
    for folder, children, _ in os.walk(checkouts):
        if os.path.basename(folder) == "include" and f"{os.sep}Sources{os.sep}" in folder:
            arguments += ["-Xcc", f"-I{folder}"]
            children.clear()
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=300)
    check(result.returncode == 0, "The Swift SDK: the program type-checks against SignetClient")
    if result.returncode != 0:
        print(result.stderr[-3000:], flush=True)


def least_privilege(environment):
    """The PATs the recipes made hold one narrow role and live 30 days, not everything for 730."""
    listed = subprocess.run([SIGNET, "pat", "list", "--json"], cwd=WORK, env=environment, capture_output=True, text=True, timeout=120)
    pats = {p["name"]: p for p in json.loads(listed.stdout or "[]")}
    for name in ["ci", "swift-app", "ci-renamed"]:
        pat = pats.get(name, {})
        roles = pat.get("permissionAssignments", [])
        expires = pat.get("dateExpires") or ""
        days = (time.mktime(time.strptime(expires[:19], "%Y-%m-%dT%H:%M:%S")) - time.time()) / 86400 if expires else 999
        names = [role.get("permissionName") for role in roles]
        check(len(roles) == 1 and "ManagedFullAdminAccess" not in names and days <= 31,
              f"the recipes' PAT '{name}' holds one narrow role and lives 30 days ({names}, {days:.0f} days)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    readme = sections(open(os.path.join(ROOT, "README.md")).read())
    port = free_port()
    environment = dict(os.environ, SIGNET_CONFIG_DIR=os.path.join(WORK, "config"), HOME=WORK)
    os.symlink(os.path.abspath(VENV), os.path.join(WORK, ".venv"))
    server = subprocess.Popen([SIGNET, "serve", "--dev", "--port", str(port)], cwd=WORK, stdout=open(os.path.join(WORK, "serve.log"), "w"),
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        check(json.load(open(os.path.join(WORK, "signet-data", "admin.json")))["baseUrl"].endswith(f":{port}"),
              "serve --dev wrote signet-data/admin.json for its port")
        steps = []
        for heading in SECTIONS:
            text = readme.get(heading)
            check(text is not None, f"the README has the section '{heading}'")
            found = blocks(text or "")
            for language, body in found:
                # A Python block is the file the text names just before it (`quickstart.py`),
                # written before anything runs (the text says to create it).
                named = re.findall(r"`(\w+\.py)`", (text or "")[: (text or "").index(body)]) if language == "python" else []
                if named:
                    open(os.path.join(WORK, named[-1]), "w").write(body)
            steps += [(f"{heading}: shell block {n + 1}", body) for n, body in enumerate(b for lang, b in found if lang == "sh")]
        # As a reader who went through the dashboard section first: a PAT made there already exists.
        dashboard = "signet login --from signet-data/admin.json >/dev/null && signet pat create --name from-the-dashboard >/dev/null"
        run_terminal([("(a PAT made in the dashboard section)", f'export PATH="{os.path.dirname(SIGNET)}:$PATH"\n' + dashboard)] + steps,
                     environment)
        least_privilege(environment)
        swift = [body for language, body in blocks(readme.get("The Swift SDK", "")) if language == "swift"]
        check(len(swift) == 2, "The Swift SDK has its Package.swift lines and its program")
        if swift:
            typecheck_swift(swift[-1])
    finally:
        server.terminate()
        server.wait(30)
    if failures:
        print(f"{len(failures)} README recipe check(s) failed", flush=True)
        sys.exit(1)
    print("the README's recipes ran in order", flush=True)


if __name__ == "__main__":
    main()
