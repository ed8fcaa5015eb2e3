# Runs Debian's docker-compose (v1) `config` command on many files in one Python process: the same
# command, argument parsing and output as `docker-compose -f FILE config`, without paying its ~0.3 s
# start-up per file. Reads one path a line on stdin; writes one JSON line per file:
# {"file", "code", "output", "error", "config", "loaded"}: its exit code, what it printed, that output
# read back by compose's own YAML reader (PyYAML), and the configuration as compose loaded it before
# printing (PyYAML's printer folds a NEL in a single-quoted value into a space; the loaded values are exact).
import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import yaml
from compose.cli.command import get_config_from_options
from compose.cli.main import main

for line in sys.stdin:
    path = line.rstrip("\n")
    if not path:
        continue
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["docker-compose", "-f", path, "config"]
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    config = yaml.safe_load(out.getvalue()) if code == 0 else None
    loaded = None
    if code == 0:
        found = get_config_from_options(".", {"--file": [path]})
        loaded = {
            "services": [{k: v for k, v in svc.items() if k in ("name", "environment") or k.startswith("x-")} for svc in found.services],
            "networks": found.networks or {},
            "volumes": found.volumes or {},
        }
    sys.__stdout__.write(json.dumps({"file": path, "code": code, "output": out.getvalue(), "error": err.getvalue(), "config": config, "loaded": loaded}) + "\n")
    sys.__stdout__.flush()
