"""Settings read once from the environment (the same variables locally and in Lambda)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from moderation import webhook_targets

# The spam filter's 0.5 means "no idea"; it holds what leans clearly to spam, rejects the certain.
DEFAULT_SPAM_REVIEW = 0.8
DEFAULT_SPAM_REJECT = 0.97


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    table_name: str = Field(
        default="Comments", description="the DynamoDB table holding comments (set by the template)"
    )
    model_dir: Path = Field(
        default=Path("model"),
        description="the exported model artifact to score with (`make model` writes it; in Lambda "
        "`/opt/model`)",
    )
    starter_model_dir: Path = Field(
        default=Path("/opt/starter"),
        description="the starter model, used when `MODEL_DIR` holds no artifact (locally the project's "
        "`layers/scoring/starter`)",
    )
    model_s3_uri: str | None = Field(
        default=None,
        description="`s3://bucket/prefix` of an artifact to fetch into `MODEL_DIR` at start (base-size "
        "models)",
    )
    shadow_model_dir: Path | None = Field(
        default=None,
        description="a second model artifact that scores every new comment from the stream without "
        "deciding anything (the shadow model)",
    )
    moderation_scorer: str | None = Field(
        default=None, description="`module:factory` returning a scorer to use instead of the model"
    )
    # None (unset, or empty as the template passes it): the model's recommended threshold applies,
    # else the default (see policy.effective_thresholds).
    review_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="lowest score that holds a comment for review; unset: the model's recommended "
        "threshold, else 0.5",
    )
    reject_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="lowest score that rejects a comment; unset: the model's recommended threshold "
        "(the starter's is 1.0: it never rejects on its score), else 0.9",
    )
    spam_review_threshold: float = Field(
        default=DEFAULT_SPAM_REVIEW,
        ge=0.0,
        le=1.0,
        description="lowest spam score that holds a comment (the spam filter's own; the toxicity "
        "thresholds don't apply to it)",
    )
    spam_reject_threshold: float = Field(
        default=DEFAULT_SPAM_REJECT,
        ge=0.0,
        le=1.0,
        description="lowest spam score that rejects a comment (its poster is answered 202 `pending`, as "
        "if held)",
    )
    spam_filter: bool = Field(default=True, description="`false` turns the spam filter off (no `spam` score)")
    scoring_deadline_seconds: float = Field(
        default=3.0,
        gt=0,
        description="past this, scoring is abandoned and the comment held with `scoring_unavailable`",
    )
    rate_limit_per_minute: int = Field(
        default=5,
        ge=0,
        description="comments one client may post in any 60 seconds (a sliding window; nudges have four "
        "times as many of their own); `0` turns both limits off",
    )
    max_links: int = Field(
        default=2, ge=1, description="a comment with this many distinct links or more is held for review"
    )
    duplicate_window_seconds: int = Field(
        default=600,
        ge=0,
        description="the same author and body on a post within this many seconds is `duplicate_comment`",
    )
    form_min_seconds: float = Field(
        default=3.0,
        ge=0,
        description="a comment sent sooner after the widget showed its form carries the spam signal "
        "`too_fast` (see spam signals); `0` turns it off",
    )
    form_max_age_seconds: int = Field(
        default=2 * 24 * 3600,
        ge=60,
        description="a form token older than this (2 days by default) carries the spam signal `expired_form`",
    )
    rejected_retention_days: int = Field(
        default=30, ge=1, description="days a rejected comment is kept before DynamoDB's TTL deletes it"
    )
    report_threshold: int = Field(
        default=3, ge=1, description="distinct readers' reports that send a published comment back to review"
    )
    premoderate: Literal["none", "new_authors", "all"] = Field(
        default="none",
        description="`none`, `new_authors` (an author's comments wait until one is published) or `all`",
    )
    banned_words: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated words that reject a comment"
    )
    suspect_words: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated words that hold a comment for review"
    )
    cognito_domain: str = Field(
        default="", description="hosted UI base URL the console signs in with; empty: paste a token"
    )
    cognito_client_id: str = Field(default="", description="the console's Cognito app client")
    app_secret: str = Field(
        default="",
        description="signs page cursors and reader keys, and keys client-IP hashes; random per process when "
        "empty (`make run` sets a random one)",
        repr=False,
    )
    app_secret_arn: str = Field(
        default="",
        description="in AWS instead of `APP_SECRET`: the generated Secrets Manager secret, read at init",
    )

    webhook_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated http(s) URLs every event is POSTed to"
    )
    webhook_secret: str = Field(
        default="", description="the HMAC key that signs webhooks (in AWS: `WEBHOOK_SECRET_ARN`)", repr=False
    )
    webhook_secret_arn: str = Field(
        default="",
        description="in AWS instead of `WEBHOOK_SECRET`: the generated `WebhookSecret`, read at init",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="`true` lets `WEBHOOK_URLS` reach loopback, private and link-local addresses: local "
        "development only",
    )
    webhook_format: Literal["json", "slack"] = Field(
        default="json",
        description='`json` (the event) or `slack` (`{"text": ...}` for a Slack-compatible incoming webhook)',
    )
    webhook_dlq_url: str = Field(
        default="",
        description="SQS queue keeping deliveries that kept failing (set by the template; locally a moto "
        "queue); empty: logged",
    )

    alert_pending_minutes: int = Field(
        default=30,
        ge=1,
        description="moderators are alerted once the oldest pending comment waited this long",
    )
    alert_topic_arn: str = Field(default="", description="SNS topic the pending-comments alert goes to")

    @field_validator("review_threshold", "reject_threshold", "shadow_model_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            value = tuple(url.strip() for url in value.split(",") if url.strip())
        return value

    @field_validator("webhook_urls")
    @classmethod
    def _http_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"WEBHOOK_URLS must be http(s) URLs, not {url!r}")
        return value

    @field_validator("banned_words", "suspect_words", mode="before")
    @classmethod
    def _split_words(cls, value: object) -> object:
        # Environment variables carry word lists as comma-separated text.
        if isinstance(value, str):
            return tuple(word.strip() for word in value.split(",") if word.strip())
        return value

    def rejected_expires_at(self, now: int) -> int:
        """When DynamoDB's TTL may delete a comment rejected at `now` (epoch seconds)."""
        return now + self.rejected_retention_days * 86400

    @model_validator(mode="after")
    def _public_webhook_targets(self) -> Settings:
        for url in self.webhook_urls:
            webhook_targets.check_configured(url, self.webhook_allow_private)
        return self

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> Settings:
        review, reject = self.review_threshold, self.reject_threshold
        if review is not None and reject is not None and review > reject:
            raise ValueError("REVIEW_THRESHOLD must not exceed REJECT_THRESHOLD")
        if self.spam_review_threshold > self.spam_reject_threshold:
            raise ValueError("SPAM_REVIEW_THRESHOLD must not exceed SPAM_REJECT_THRESHOLD")
        return self
