"""Password policy, SMS-code and login-throttle rules (pure functions)."""

from datetime import UTC, datetime, timedelta

import pytest

from gateway.accounts.rules import (
    CODE_STATES,
    CodeAction,
    CodeStatus,
    ThrottlePolicy,
    after_failure,
    code_matches,
    failure_delay_s,
    hash_code,
    hourly_cap_wait_s,
    login_key,
    password_problem,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class TestPasswordPolicy:
    @pytest.mark.parametrize("password", ["Secret123", "a1b2c3d4", "长密码abc12345"])
    def test_letters_and_digits_of_eight_or_more_pass(self, password: str):
        assert password_problem(password) is None

    @pytest.mark.parametrize("password", ["Abc123", "abcdefgh", "12345678", "x1" * 40])
    def test_weak_passwords_are_explained(self, password: str):
        assert password_problem(password)


class TestSmsCodeRules:
    def test_only_an_active_code_may_be_consumed(self):
        assert CODE_STATES.sources(CodeAction.CONSUME) == frozenset({CodeStatus.ACTIVE})
        assert CODE_STATES.target(CodeAction.CONSUME) is CodeStatus.CONSUMED

    def test_hash_binds_phone_and_purpose(self):
        stored = hash_code(b"k", "13800138000", "register", "123456")
        assert code_matches(b"k", "13800138000", "register", "123456", stored)
        assert not code_matches(b"k", "13800138000", "login", "123456", stored)
        assert not code_matches(b"other", "13800138000", "register", "123456", stored)

    def test_hourly_cap_frees_when_the_blocking_send_turns_an_hour_old(self):
        sent = [NOW - timedelta(minutes=m) for m in (55, 45, 35, 25, 15)]
        assert hourly_cap_wait_s(sent, NOW, cap=5) == 5 * 60
        assert hourly_cap_wait_s(sent[1:], NOW, cap=5) == 0


class TestLoginThrottle:
    POLICY = ThrottlePolicy(free_failures=3, base_delay_s=2, max_delay_s=60, window_s=3600)
    NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)

    def test_free_failures_then_doubling_delays_up_to_the_maximum(self):
        delays = [failure_delay_s(n, self.POLICY) for n in range(1, 11)]
        assert delays == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]

    def test_a_count_older_than_the_window_starts_over(self):
        stale = self.NOW - timedelta(seconds=3601)
        assert after_failure(9, stale, self.NOW, self.POLICY) == (1, None)
        recent = self.NOW - timedelta(seconds=10)
        assert after_failure(3, recent, self.NOW, self.POLICY) == (
            4,
            self.NOW + timedelta(seconds=2),
        )

    def test_the_key_folds_case(self):
        assert login_key(" Inst.Head ") == login_key("inst.head")
