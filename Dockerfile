# The mlsmoke checker image. The checker lives in its own virtual environment (/opt/mlsmoke);
# `python3` on PATH is a separate, writable "user" environment (/opt/user-python) that the
# pipeline's `setup` installs into, so a project's libraries never clash with the checker's.
# The user environment comes with numpy, pandas, pyarrow, scikit-learn and joblib at the versions
# of container-image/constraints.txt (also in the image as /opt/mlsmoke/constraints.txt).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

SHELL ["/bin/sh", "-eu", "-c"]

# git: data.compatibility reads the base branch's contracts with `git show`. apt's own caches go
# too (a debootstrapped base keeps about 90 MB of them).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

# Both environments in one layer, rebuilt only when pyproject.toml or the constraints change.
# One constraints file pins both, so the libraries they share are byte-identical and
# share_files.py stores them once (hard links). Packages' own test suites are left out, and the
# bytecode of shared files is compiled once, for both (with a neutral file name, which the
# interpreter replaces by the real one when it loads a .pyc).
# The checker's pyarrow loses the parts it never loads (Flight, S3, C++ headers: 55 MB); the
# user's keeps them.
# The checker's environment has no pip: the user environment's pip installs into it.
COPY pyproject.toml container-image/constraints.txt container-image/share_files.py /opt/mlsmoke-build/
# hadolint ignore=DL3013,DL3042
RUN build=/opt/mlsmoke-build \
 && pip_cache=/tmp/mlsmoke-pip-cache \
 && python3 -m venv /opt/user-python \
 && user_pip="env -u PIP_NO_CACHE_DIR /opt/user-python/bin/pip" \
 && $user_pip install --cache-dir "$pip_cache" --no-compile -c "$build/constraints.txt" \
      numpy pandas pyarrow scikit-learn joblib \
 && python3 -m venv --without-pip /opt/mlsmoke \
 && mkdir -p "$build/src/checker" \
 && cp "$build/pyproject.toml" "$build/src/" \
 && touch "$build/src/README.md" \
 && echo '__version__ = "0"' > "$build/src/checker/__init__.py" \
 && $user_pip --python /opt/mlsmoke/bin/python install --cache-dir "$pip_cache" --no-compile \
      -c "$build/constraints.txt" "$build/src" \
 && $user_pip --python /opt/mlsmoke/bin/python uninstall -y mlsmoke \
 && for env in /opt/mlsmoke /opt/user-python; do \
      find "$env"/lib/python3*/site-packages -mindepth 2 -depth -type d -name tests -exec rm -rf {} +; \
    done \
 && checker_site=$(echo /opt/mlsmoke/lib/python3*/site-packages) \
 && user_site=$(echo /opt/user-python/lib/python3*/site-packages) \
 && python3 "$build/share_files.py" "$checker_site" "$user_site" \
 && python3 -m compileall -q -j 0 -d /site-packages "$checker_site" \
 && python3 "$build/share_files.py" --bytecode "$checker_site" "$user_site" \
 && python3 -m compileall -q -j 0 -d /site-packages "$user_site" \
 && rm -rf "$checker_site"/pyarrow/include "$checker_site"/pyarrow/src "$checker_site"/pyarrow/*flight* \
      "$checker_site"/pyarrow/libarrow_s3.so* "$checker_site"/pyarrow/_s3fs.* \
 && cp "$build/constraints.txt" /opt/mlsmoke/constraints.txt \
 && find /opt/user-python -type d -exec chmod a+rwx {} + \
 && find /opt/user-python -type f -links 1 -exec chmod a+rw {} + \
 && rm -rf "$build" "$pip_cache"

COPY pyproject.toml README.md /src/
COPY checker /src/checker
RUN /opt/user-python/bin/pip --python /opt/mlsmoke/bin/python install --no-deps /src \
 && rm -rf /src \
 && ln -s /opt/mlsmoke/bin/mlsmoke /usr/local/bin/mlsmoke \
 && useradd --create-home --uid 1001 --shell /bin/sh mlsmoke \
 && chmod 1777 /home/mlsmoke

# The container may run as the runner's uid (`docker run --user`), which has no home here.
ENV PATH=/opt/user-python/bin:$PATH \
    VIRTUAL_ENV=/opt/user-python \
    HOME=/home/mlsmoke
USER 1001:1001
WORKDIR /home/mlsmoke
ENTRYPOINT ["mlsmoke"]
CMD ["--help"]
