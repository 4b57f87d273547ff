# Included by each layer's Makefile (SAM's BuildMethod: makefile). Wheels for Lambda's python3.12
# on x86_64 (Amazon Linux 2023, glibc 2.34) whatever machine builds; onnxruntime ships
# manylinux_2_27/2_28 wheels, not manylinux2014. --no-deps: the generated requirements.txt
# (scripts/lock_layers.py, from uv.lock) already lists exactly what ships, every version pinned,
# and nothing the runtime provides (boto3, botocore: aws-xray-sdk would pull a second botocore).
PYTHON ?= python3
LAMBDA_PIP_INSTALL = $(PYTHON) -m pip install --quiet --no-compile --no-deps --only-binary=:all: \
	--platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
	--python-version 3.12 --implementation cp
# A layer is read-only at /opt: without bytecode in it, Python compiles every module it imports
# from source at every cold start (measured: several times the start with bytecode). Lambda's
# Python compiles it here, hash-based and unchecked, so neither the zip's timestamps nor a read
# of the source can make a start recompile it. Run after every file of the layer is in place.
LAMBDA_PYTHON ?= python3.12
LAMBDA_COMPILE = $(LAMBDA_PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash
