"""Build, train, run and test the assistant. Run inside the project's venv (see scripts/bootstrap.sh).

    python scripts/assistant.py run      build the spaCy pipeline, train if needed, start both servers
    python scripts/assistant.py shell    the same, but chat in the terminal
    python scripts/assistant.py replicas several Rasa servers behind a round-robin proxy (PostgreSQL + Redis)
    python scripts/assistant.py train    build the spaCy pipeline and train if needed
    python scripts/assistant.py test     lint, validate, train, pytest, story tests; stops at first failure

Environment: RASA_PORT (5005), ACTION_PORT (5055), WEB_PORT (8080, the demo page with the widget),
CORS_ORIGINS (space-separated; default the demo page), DATABASE_URL (default SQLite in var/),
REDIS_URL (lock store, for several replicas), REPLICAS (2, for `replicas`), RASA_API_TOKEN (turns on
Rasa's HTTP API with this token), HKTA_STARTUP_TIMEOUT (seconds, 300), HKTA_MAX_MESSAGES_IN_FLIGHT (5,
messages of one sender a Rasa server handles or queues at once; 0: no limit), HKTA_ACTION_TIMEOUT
(seconds, 20, for one call to the action server; 0: Rasa's 5 minutes); messaging channels:
TELEGRAM_*, TWILIO_*, FACEBOOK_*, SLACK_* (README, "Messaging channels").
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.runtime_config import ChannelConfigurationError, database_url, write_runtime_files  # noqa: E402

BIN = Path(sys.executable).parent
SPACY_PIPELINE = ROOT / "build" / "spacy_pipeline"
MODELS = ROOT / "models"
LOGS = Path(os.environ.get("HKTA_LOG_DIR") or ROOT / "var" / "log")

# Inputs whose change must rebuild the spaCy pipeline, and then retrain the model.
PIPELINE_INPUTS = ("bot/nlp", "bot/rules/universities.yaml")
# The trainable component of our own goes in too: a change to how it learns must retrain the model.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "rasa_addons/linear_intent.py")


def shown(path: Path) -> Path:
    """A path as the README's reader sees it: relative to the project when it is inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def fail(stage: str, hint: str) -> None:
    print(f"\033[31mFAILED at stage '{stage}'.\033[0m {hint}", file=sys.stderr, flush=True)
    sys.exit(1)


def quiet_env(**extra: str) -> dict[str, str]:
    """The environment for Rasa's processes, with its known harmless noise turned off."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's CUDA and oneDNN notices
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # Rasa 3.6 uses SQLAlchemy 1.4 APIs
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def content_hash(paths: Iterable[str], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for name in paths:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def rasa(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "rasa"), *args], cwd=ROOT, env=quiet_env(), **kwargs)


def build_spacy_pipeline() -> str:
    """Build our own spaCy pipeline (no pretrained model can be downloaded here) when its inputs change."""
    pipeline_hash = content_hash(PIPELINE_INPUTS)
    stamp = SPACY_PIPELINE / ".inputs-hash"
    if stamp.exists() and stamp.read_text() == pipeline_hash:
        return pipeline_hash
    say("Building the spaCy pipeline (tokenizer + entity patterns) in build/spacy_pipeline")
    result = subprocess.run(
        [sys.executable, "-m", "bot.nlp.build", str(SPACY_PIPELINE)], cwd=ROOT, env=quiet_env()
    )
    if result.returncode != 0:
        fail("spacy pipeline", "python -m bot.nlp.build failed; see the error above.")
    stamp.write_text(pipeline_hash)
    return pipeline_hash


def ensure_model() -> Path:
    """Train only when the training data, domain, config or spaCy pipeline changed (keyed by content hash)."""
    pipeline_hash = build_spacy_pipeline()
    model_hash = content_hash(TRAINING_INPUTS, extra=pipeline_hash)
    model = MODELS / f"hkta-{model_hash}.tar.gz"
    if model.exists():
        say(f"Model is up to date ({model.name}); no training needed.")
        return model
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "train.log"
    say(f"Training the model (data, domain or config changed), a few minutes; log: {log}")
    started = time.monotonic()
    with log.open("w") as handle:
        result = rasa(
            "train", "--fixed-model-name", model.name.removesuffix(".tar.gz"), "--out", str(MODELS),
            stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if result.returncode != 0 or not model.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        fail("train", f"rasa train failed. The end of {log}:\n{tail}")
    say(f"Trained in {time.monotonic() - started:.0f} s: {model.name}")
    for old in sorted(MODELS.glob("hkta-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-3]:
        old.unlink()  # keep the three newest
    return model


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path
    health_url: str

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(name: str, command: Sequence[str], health_url: str, **env: str) -> Server:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    handle = log.open("w")
    # A session of its own, so Ctrl-C reaches only us and we stop the servers in order.
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=quiet_env(**env),
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(name, process, log, health_url)


def prepare_database() -> None:
    """Create or upgrade our own tables, then delete what is past the retention period (90 days unless
    HKTA_RETENTION_DAYS says otherwise), as the privacy notice promises."""
    for command in (["migrate"], ["purge"]):
        result = subprocess.run([sys.executable, "-m", "bot.storage", *command], cwd=ROOT, env=quiet_env())
        if result.returncode != 0:
            fail(
                f"database {command[0]}",
                f"bot.storage {command[0]} failed (its reason is above); is DATABASE_URL right?",
            )


def rasa_api_arguments(env: Mapping[str, str]) -> list[str]:
    """Rasa's HTTP API (trackers, events, model) only with a token: `--enable-api` alone would serve it
    to anyone who can reach the port (docs/decisions/0500)."""
    token = (env.get("RASA_API_TOKEN") or "").strip()
    return ["--enable-api", "--auth-token", token] if token else []


def start_servers(
    model: Path,
    rasa_port: int,
    action_port: int,
    with_rasa: bool = True,
    web_port: int | None = None,
    replica_ports: Sequence[int] = (),
) -> list[Server]:
    os.environ["DATABASE_URL"] = database_url(os.environ)  # the action server erases in the same database
    page = f"http://localhost:{web_port} http://127.0.0.1:{web_port}" if web_port else ""
    cors = os.environ.get("CORS_ORIGINS", page).split()
    endpoints, credentials = runtime_files(action_port, cors)  # before anything starts: settings first
    prepare_database()
    servers: list[Server] = []
    waiting: list[Server] = []
    # The servers run in sessions of their own, so a Ctrl-C (or SIGTERM) while they start reaches only
    # us: stop whatever has started rather than leave it running behind the user's back.
    previous_sigterm = signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        servers.append(
            start(
                "actions",
                [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                f"http://127.0.0.1:{action_port}/health",
            )
        )
        # With replicas, one Rasa server per port and the round-robin proxy on rasa_port in front of them.
        rasa_ports = {f"rasa-{i}": port for i, port in enumerate(replica_ports, 1)} or {"rasa": rasa_port}
        for name, port in rasa_ports.items() if with_rasa else ():
            command = [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port)]
            command += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
            command += rasa_api_arguments(os.environ)
            for origin in cors:
                command += ["--cors", origin]
            servers.append(start(name, command, f"http://127.0.0.1:{port}/webhooks/rest/"))
        if with_rasa and replica_ports:
            backends = [f"http://127.0.0.1:{port}" for port in replica_ports]
            command = [sys.executable, "scripts/round_robin_proxy.py", "--port", str(rasa_port), *backends]
            servers.append(start("proxy", command, f"http://127.0.0.1:{rasa_port}/_proxy/stats"))
        if web_port:
            # The demo page; its widget talks to Rasa's socket.io channel (see web/README.md).
            servers.append(
                start(
                    "web", [sys.executable, "scripts/web_server.py"], f"http://127.0.0.1:{web_port}/healthz",
                    WEB_PORT=str(web_port), RASA_URL=f"http://localhost:{rasa_port}",
                )
            )  # fmt: skip
        timeout = float(os.environ.get("HKTA_STARTUP_TIMEOUT", "300"))
        say("Starting " + " and ".join(s.name for s in servers) + f" server(s); logs in {shown(LOGS)}/")
        deadline = time.monotonic() + timeout
        waiting = list(servers)
        while waiting:
            for server in list(waiting):
                if server.process.poll() is not None:
                    stop_all(servers)
                    log = server.log_tail()
                    fail(f"start {server.name}", f"the {server.name} server exited. Its log:\n{log}")
                if server.is_healthy():
                    waiting.remove(server)
            if time.monotonic() > deadline:
                stop_all(servers)
                fail("start", f"not healthy after {timeout:.0f} s: {', '.join(s.name for s in waiting)}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop_all(servers)
        still = f" (still waiting for {', '.join(s.name for s in waiting)})" if waiting else ""
        say(f"Stopped while starting{still}; nothing is left running.")
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
    return servers


def raise_keyboard_interrupt(*_args) -> None:
    raise KeyboardInterrupt


def runtime_files(action_port: int, cors_origins: Sequence[str] = ()) -> tuple[Path, Path]:
    """build/endpoints.yml and build/credentials.yml from the environment; a half-configured messaging
    channel stops the start here, naming the variables it lacks."""
    try:
        return write_runtime_files(action_port=action_port, cors_origins=cors_origins)
    except ChannelConfigurationError as error:
        fail("configuration", str(error))
        raise  # not reached: fail() exits


def stop_all(servers: Sequence[Server]) -> None:
    for server in reversed(servers):
        server.stop()


PURGE_EVERY_SECONDS = 24 * 60 * 60


def wait_for_ctrl_c(servers: Sequence[Server], banner: str) -> None:
    """Print the banner, keep watch over the servers, purge expired data once a day, stop everything on
    Ctrl-C. The stop handler is in place before the banner says "Press Ctrl-C", so a Ctrl-C after it
    always stops cleanly."""
    stop_requested = False
    next_purge = time.monotonic() + PURGE_EVERY_SECONDS

    def request_stop(*_args) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(banner, flush=True)
    while not stop_requested:
        if time.monotonic() > next_purge:
            subprocess.run([sys.executable, "-m", "bot.storage", "purge"], cwd=ROOT, env=quiet_env())
            next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        for server in servers:
            if server.process.poll() is not None:
                print(f"The {server.name} server stopped unexpectedly. Its log:\n{server.log_tail()}")
                stop_all(servers)
                sys.exit(1)
        time.sleep(0.5)
    say("Stopping the servers")
    stop_all(servers)


def command_run() -> None:
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    model = ensure_model()
    servers = start_servers(model, rasa_port, action_port, web_port=web_port)
    banner = f"""
The assistant is running.
  Chat in your browser:  http://localhost:{web_port}
  REST:       curl -s localhost:{rasa_port}/webhooks/rest/webhook -d '{{"sender": "me", "message": "hi"}}'
  Socket.IO:  http://localhost:{rasa_port}/socket.io (for the web widget)
  Terminal:   make shell  (in another terminal, or instead of make run)
  Logs:       {LOGS}/rasa.log, actions.log and web.log
Press Ctrl-C to stop.
"""
    wait_for_ctrl_c(servers, banner)


def command_replicas() -> None:
    """REPLICAS Rasa servers (2) on the ports after RASA_PORT, behind the round-robin proxy on RASA_PORT,
    sharing DATABASE_URL (PostgreSQL) and REDIS_URL (lock store), with one action server."""
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    count = int(os.environ.get("REPLICAS", "2"))
    if count < 1:
        fail("configuration", f"REPLICAS must be 1 or more, got {count}.")
    if database_url(os.environ).startswith("sqlite") or not os.environ.get("REDIS_URL"):
        fail(
            "configuration",
            "Replicas must share one database and one lock store: set DATABASE_URL to PostgreSQL "
            "(postgresql://...) and REDIS_URL (redis://...). See the README, 'Several replicas'.",
        )
    replica_ports = [rasa_port + i for i in range(1, count + 1)]
    model = ensure_model()
    servers = start_servers(model, rasa_port, action_port, replica_ports=replica_ports)
    banner = f"""
{count} Rasa replicas (ports {", ".join(map(str, replica_ports))}) behind the round-robin proxy.
  REST:   curl -s localhost:{rasa_port}/webhooks/rest/webhook -d '{{"sender": "me", "message": "hi"}}'
  Counts: curl -s localhost:{rasa_port}/_proxy/stats  (requests each replica served)
  Logs:   {LOGS}/
Press Ctrl-C to stop.
"""
    wait_for_ctrl_c(servers, banner)


def command_shell() -> None:
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    model = ensure_model()
    servers = start_servers(model, 0, action_port, with_rasa=False)
    endpoints, _ = runtime_files(action_port)
    try:
        rasa("shell", "--model", str(model), "--endpoints", str(endpoints))
    finally:
        stop_all(servers)


def run_stage(number: int, total: int, stage: str, command: Sequence[str], hint: str) -> None:
    say(f"[{number}/{total}] {stage}")
    started = time.monotonic()
    if subprocess.run(command, cwd=ROOT, env=quiet_env()).returncode != 0:
        fail(stage, hint)
    say(f"[{number}/{total}] {stage}: passed in {time.monotonic() - started:.0f} s")


def form_question_names() -> set[str]:
    """utter_ask_<slot> of every slot a form requires: forms use them; Rasa counts only stories."""
    forms = (yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}).get("forms") or {}
    return {f"utter_ask_{slot}" for form in forms.values() for slot in form.get("required_slots", [])}


def fault_response_names() -> set[str]:
    """utter_fault_*: sent by the Rasa server itself when a turn fails (rasa_addons/faults.py), never
    predicted, so no story or rule uses them."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    return {name for name in domain.get("responses") or {} if name.startswith("utter_fault_")}


def validate_training_data() -> None:
    """`rasa data validate --fail-on-warnings`, stricter: any warning fails (Rasa 3.6 lets unused responses
    pass), except that form questions and fault apologies are "unused in stories", which is how forms and
    rasa_addons/faults.py work."""
    result = subprocess.run(
        [str(BIN / "rasa"), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT, env=quiet_env(), capture_output=True, text=True,
    )  # fmt: skip
    output = result.stdout + result.stderr
    expected = form_question_names() | fault_response_names()
    warnings = [line.split("UserWarning: ", 1)[1] for line in output.splitlines() if "UserWarning: " in line]
    unexpected = [w for w in warnings if not any(f"'{name}' is not used" in w for name in expected)]
    if result.returncode != 0 or unexpected:
        print(output)
        fail(
            "validate", "The training data, domain or stories are inconsistent:\n  " + "\n  ".join(unexpected)
        )
    say(f"validate: passed ({len(warnings) - len(unexpected)} responses used by forms or the server only)")


def run_story_tests(number: int, total: int, model: Path) -> None:
    """`rasa test core` on tests/stories; its long report goes to results/core/, the summary to the screen."""
    say(f"[{number}/{total}] story tests")
    out = ROOT / "results" / "core"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "test.log").open("w") as log:
        result = rasa(
            "test", "core", "--model", str(model), "--stories", "tests/stories",
            "--fail-on-prediction-errors", "--out", str(out), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    summary = [line.split(" - ", 1)[-1].strip() for line in (out / "test.log").read_text().splitlines()]
    print("\n".join(line for line in summary if line.startswith("Correct:")), flush=True)
    if result.returncode != 0:
        failed = out / "failed_test_stories.yml"
        print(failed.read_text() if failed.exists() else (out / "test.log").read_text()[-3000:])
        fail(
            "story tests",
            f"A test story went another way (above; full log in {out.relative_to(ROOT)}/test.log).",
        )
    say(f"[{number}/{total}] story tests: passed")


def command_test() -> None:
    total = 5
    run_stage(
        1, total, "lint", [str(BIN / "ruff"), "check", "."], "Fix the lint errors (`make fix` mends many)."
    )
    say(f"[2/{total}] validate")
    validate_training_data()
    # Trained before pytest, so the end-to-end tests start servers on a ready model instead of each
    # waiting out a training run (minutes on a slow machine) inside a start-up timeout.
    say(f"[3/{total}] train (cached)")
    model = ensure_model()
    run_stage(
        4, total, "pytest", [sys.executable, "-m", "pytest"], "A unit or end-to-end test failed; see above."
    )
    run_story_tests(5, total, model)
    say("All stages passed.")


COMMANDS = {
    "run": command_run,
    "replicas": command_replicas,
    "shell": command_shell,
    "train": ensure_model,
    "test": command_test,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]]()
