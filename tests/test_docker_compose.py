"""The self-hosting file parses and each service starts a module that exists in this repository."""

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def modules_named(command: str) -> list[str]:
    """Celery apps (-A config), WSGI apps (config.wsgi:application) and scripts (manage.py)."""
    return [
        *re.findall(r"(?:-A|--app)\s+([\w.]+)", command),
        *re.findall(r"\b([a-z_]+(?:\.[a-z_]+)+):[a-z_]+\b", command),
        *re.findall(r"\b([\w/]+\.py)\b", command),
    ]


def test_compose_file_has_every_service():
    assert set(compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_every_service_command_names_a_module_that_exists():
    for name, service in compose()["services"].items():
        command = service.get("command")
        if command is None:
            continue  # postgres and redis run their image's own command
        modules = modules_named(command)
        assert modules, f"{name}: no module found in {command!r}"
        for module in modules:
            if module.endswith(".py"):
                assert (ROOT / module).exists(), f"{name}: {module} is missing"
            else:
                assert importlib.util.find_spec(module) is not None, (
                    f"{name}: module {module} is missing"
                )


def test_web_worker_and_beat_use_postgres_and_redis():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")


def test_the_image_installs_the_hashed_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
