"""Lua scripts run by digest, and still run after Redis forgot them (restart, SCRIPT FLUSH)."""

import hashlib

from platform_core.redis_client import run_script

ECHO = "return {KEYS[1], ARGV[1]}"


def test_a_script_runs_by_digest_and_again_after_redis_forgot_it(redis):
    assert run_script(redis, ECHO, ("key",), ("first",)) == ["key", "first"]
    redis.script_flush()
    assert run_script(redis, ECHO, ("key",), ("second",)) == ["key", "second"]
    assert redis.script_exists(hashlib.sha1(ECHO.encode()).hexdigest()) == [True]
