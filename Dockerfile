# The Python services (issuer, verifier) and the operator tool. Contracts are pre-compiled
# (contracts/build), so no Solidity compiler is needed in the image.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY nansen ./nansen
COPY issuer ./issuer
COPY verifier ./verifier
COPY wallet_cli ./wallet_cli
COPY contracts/build ./contracts/build
RUN pip install --no-cache-dir . && useradd --system --uid 10001 nansen
USER nansen
EXPOSE 8001 8002
CMD ["nansen-verifier", "serve", "--host", "0.0.0.0"]
