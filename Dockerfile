# The mlsmoke checker image. The checker lives in its own virtual environment (/opt/mlsmoke);
# `python3` on PATH is a separate, writable "user" environment (/opt/user-python) that the
# pipeline's `setup` installs into, so a project's libraries never clash with the checker's.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

SHELL ["/bin/sh", "-eu", "-c"]

# git: data.compatibility reads the base branch's contracts with `git show`.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml /src/
RUN python3 -m venv /opt/mlsmoke \
 && mkdir -p /src/checker \
 && echo '__version__ = "0"' > /src/checker/__init__.py \
 && touch /src/README.md \
 && /opt/mlsmoke/bin/pip install /src \
 && /opt/mlsmoke/bin/pip uninstall -y mlsmoke \
 && rm -rf /src

COPY pyproject.toml README.md /src/
COPY checker /src/checker
RUN /opt/mlsmoke/bin/pip install --no-deps /src \
 && rm -rf /src \
 && ln -s /opt/mlsmoke/bin/mlsmoke /usr/local/bin/mlsmoke \
 && python3 -m venv /opt/user-python \
 && useradd --create-home --uid 1001 --shell /bin/sh mlsmoke \
 && chmod -R a+rwX /opt/user-python \
 && chmod 1777 /home/mlsmoke

# The container may run as the runner's uid (`docker run --user`), which has no home here.
ENV PATH=/opt/user-python/bin:$PATH \
    VIRTUAL_ENV=/opt/user-python \
    HOME=/home/mlsmoke
USER 1001:1001
WORKDIR /home/mlsmoke
ENTRYPOINT ["mlsmoke"]
CMD ["--help"]
