# The Python services (issuer, verifier) and the operator tools. Contracts are pre-compiled
# (contracts/build), so no Solidity compiler is needed. The wheel (with the C module) is built in a
# stage that has gcc and OpenSSL's headers; the image that runs keeps only the wheel installed.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# exactly what `pip install .` needs (tests/test_compose_stack.py builds the wheel from this list)
COPY pyproject.toml README.md hatch_build.py ./
COPY nansen ./nansen
COPY issuer ./issuer
COPY verifier ./verifier
COPY wallet_cli ./wallet_cli
COPY contracts/build ./contracts/build
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /app nansen
# Every path a service writes is prepared here, owned by the service user: a fresh named volume
# mounted on it starts as a copy of it (owner and mode included), so uid 10001 can write there.
RUN install -d -o 10001 -g 10001 -m 0700 /keys /var/lib/nansen-issuer /var/lib/nansen-verifier \
    && install -d -o 10001 -g 10001 -m 0755 /deployments /app
WORKDIR /app
USER 10001
EXPOSE 8001 8002
CMD ["nansen-verifier", "serve", "--host", "0.0.0.0"]
