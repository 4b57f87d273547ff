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

    table_name: str = Field(default="Comments", description="DynamoDB table holding comments")
    model_dir: Path = Field(default=Path("model"), description="exported ONNX model artifact")
    starter_model_dir: Path = Field(
        default=Path("/opt/starter"), description="the starter model, used when MODEL_DIR holds none"
    )
    model_s3_uri: str | None = Field(
        default=None, description="s3://bucket/prefix of an artifact to fetch into MODEL_DIR at start"
    )
    shadow_model_dir: Path | None = Field(
        default=None, description="a second artifact that scores every new comment without deciding"
    )
    moderation_scorer: str | None = Field(
        default=None, description="`module:factory` returning a scorer to use instead of the model"
    )
    # None (unset, or empty as the template passes it): the model's recommended threshold applies,
    # else the default (see policy.effective_thresholds).
    review_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    reject_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    spam_review_threshold: float = Field(
        default=DEFAULT_SPAM_REVIEW, ge=0.0, le=1.0, description="a spam score from here holds the comment"
    )
    spam_reject_threshold: float = Field(
        default=DEFAULT_SPAM_REJECT, ge=0.0, le=1.0, description="a spam score from here rejects it"
    )
    spam_filter: bool = Field(default=True, description="false turns the spam filter off (no spam score)")
    scoring_deadline_seconds: float = Field(
        default=3.0, gt=0, description="past this, scoring is abandoned and the comment held for review"
    )
    rate_limit_per_minute: int = Field(default=5, ge=0, description="0 turns the limit off")
    max_links: int = Field(default=2, ge=1)
    duplicate_window_seconds: int = Field(default=600, ge=0)
    form_min_seconds: float = Field(
        default=3.0, ge=0, description="sooner than this after the widget showed its form: `spam:too_fast`"
    )
    form_max_age_seconds: int = Field(
        default=2 * 24 * 3600, ge=60, description="a form token older than this: `spam:expired_form`"
    )
    rejected_retention_days: int = Field(default=30, ge=1)
    report_threshold: int = Field(
        default=3, ge=1, description="distinct readers' reports that send a published comment back to review"
    )
    premoderate: Literal["none", "new_authors", "all"] = Field(
        default="none", description="hold every comment (all), or an author's first (new_authors)"
    )
    banned_words: Annotated[tuple[str, ...], NoDecode] = ()
    suspect_words: Annotated[tuple[str, ...], NoDecode] = ()
    cognito_domain: str = Field(
        default="", description="hosted UI base URL the console signs in with; empty: paste a token"
    )
    cognito_client_id: str = Field(default="", description="the console's Cognito app client")
    app_secret: str = Field(
        default="",
        description="signs cursors and salts IP hashes; random per process when empty",
        repr=False,
    )
    app_secret_arn: str = Field(
        default="", description="Secrets Manager secret holding APP_SECRET, read at run time (in AWS)"
    )

    webhook_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated http(s) URLs every event is POSTed to"
    )
    webhook_secret: str = Field(default="", description="HMAC key that signs webhooks", repr=False)
    webhook_secret_arn: str = Field(
        default="", description="Secrets Manager secret holding WEBHOOK_SECRET, read at run time (in AWS)"
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="let WEBHOOK_URLS reach loopback, private and link-local addresses (local development)",
    )
    webhook_format: Literal["json", "slack"] = Field(
        default="json", description='`slack`: a Slack-compatible {"text": ...} instead of the event'
    )
    webhook_dlq_url: str = Field(default="", description="SQS queue keeping deliveries that kept failing")

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
