import sys

from moderation_tools.cli import main

sys.exit(main())
