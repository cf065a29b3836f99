import pytest

from scripts.runtime_config import endpoints, lock_store, tracker_store


def test_default_tracker_store_is_sqlite_in_var():
    config = endpoints({}, action_port=5055)
    assert config["tracker_store"] == {
        "type": "rasa_addons.tracker_store.ErasingSQLTrackerStore",
        "dialect": "sqlite",
        "url": "sqlite:///var/tracker.db",
    }
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert "lock_store" not in config


def test_database_url_selects_postgresql_and_accepts_the_short_scheme():
    store = tracker_store("postgres://bot:secret@db:5432/rasa")
    assert store["dialect"] == "postgresql"
    assert store["url"] == "postgresql://bot:secret@db:5432/rasa"


def test_driver_suffix_is_kept_in_the_url_but_not_in_the_dialect():
    store = tracker_store("postgresql+psycopg2://db/rasa")
    assert (store["dialect"], store["url"]) == ("postgresql", "postgresql+psycopg2://db/rasa")


def test_redis_url_becomes_rasa_lock_store_fields():
    assert lock_store("redis://:p%40ss@cache:6380/2") == {
        "type": "rasa_addons.lock_store.AtomicRedisLockStore",
        "url": "cache",
        "port": 6380,
        "db": 2,
        "key_prefix": "hkta",
        "use_ssl": False,
        "password": "p@ss",
    }


def test_redis_url_turns_on_the_lock_store():
    config = endpoints({"REDIS_URL": "rediss://cache"}, action_port=1)
    assert config["lock_store"]["use_ssl"] is True
    assert config["lock_store"]["port"] == 6379


def test_a_non_redis_url_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="REDIS_URL must start with redis://"):
        lock_store("http://cache:6379")


def test_action_server_url_can_be_overridden():
    config = endpoints({"ACTION_SERVER_URL": "http://actions:5055/webhook"}, action_port=1)
    assert config["action_endpoint"]["url"] == "http://actions:5055/webhook"
