"""Settings read once from the environment (the same variables locally and in Lambda)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    table_name: str = Field(default="Comments", description="DynamoDB table holding comments")
    model_dir: Path = Field(default=Path("model"), description="exported ONNX model artifact")
    model_s3_uri: str | None = Field(
        default=None, description="s3://bucket/prefix of an artifact to fetch into MODEL_DIR at start"
    )
    moderation_scorer: str | None = Field(
        default=None, description="`module:factory` returning a scorer to use instead of the model"
    )
    review_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    reject_threshold: float = Field(default=0.9, ge=0.0, le=1.0)
    rate_limit_per_minute: int = Field(default=5, ge=0, description="0 turns the limit off")
    max_links: int = Field(default=2, ge=1)
    duplicate_window_seconds: int = Field(default=600, ge=0)
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
    def _thresholds_ordered(self) -> Settings:
        if self.review_threshold > self.reject_threshold:
            raise ValueError("REVIEW_THRESHOLD must not exceed REJECT_THRESHOLD")
        return self
