"""How `sam local` would run each function of a built template, as JSON on standard output.

Run by SAM CLI's own Python (`.sam-venv/bin/python sam_functions.py TEMPLATE ENV_VARS_FILE`): it
uses SAM CLI's classes to read the template and to merge the environment, so the test sees what
`sam local invoke` and `start-api` give a function — among others, that a variable the template
doesn't declare takes no value from the env-vars file, and that the shell's credentials and
region are handed on.
"""

import json
import sys
from pathlib import Path

from samcli.commands.local.lib.local_lambda import LocalLambdaRunner
from samcli.lib.providers.sam_function_provider import SamFunctionProvider
from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider


def main(template: Path, env_vars_file: Path) -> None:
    stacks, _ = SamLocalStackProvider.get_stacks(str(template))
    provider = SamFunctionProvider(stacks)
    runner = LocalLambdaRunner(
        local_runtime=None,
        function_provider=provider,
        cwd=str(template.parent),
        real_path=str(template.parent),
        env_vars_values=json.loads(env_vars_file.read_text()),
    )
    functions = {
        function.name: {
            "runtime": function.runtime,
            "handler": function.handler,
            "code": str(template.parent / function.codeuri),
            "layers": [str(template.parent / layer.codeuri) for layer in function.layers],
            "environment": runner._make_env_vars(function).resolve(),
        }
        for function in provider.get_all()
    }
    json.dump(functions, sys.stdout)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
