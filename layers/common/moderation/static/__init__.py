"""Files the API serves to browsers: the moderators' console (and, later, the comments widget)."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent

# Everything the console loads comes from the API's own origin; it talks to the API and to Cognito only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self' https://*.amazoncognito.com; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Sent with every page and asset the API (or the local stack) serves to a browser.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
