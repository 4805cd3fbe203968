"""Building on a Dask cluster (issue 5): `run(..., scheduler=ADDRESS)` sends the same page jobs
to a Dask distributed cluster, here a local one started by the test with two worker processes,
and gives the same files (same sha256) as the local process pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from infographics.edition import build
from infographics.edition.manifest import read_manifest
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS

distributed = pytest.importorskip("distributed")

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as local:
        yield local.scheduler_address


def test_dask_builds_the_same_files_as_the_local_pool(cluster, ctx, tmp_path):
    jobs = [j for j in plan(ctx.figures, ["po", "vo"], PAGE_LEVELS)
            if j.level in ("national", "province") or j.library_id in ("bib-0001", "bib-0027")]
    assert len(jobs) > 40
    local, remote = tmp_path / "local", tmp_path / "dask"
    pooled = build.build_edition(jobs, SAMPLE, local, workers=2)
    distributed_run = build.build_edition(jobs, SAMPLE, remote, scheduler=cluster)
    assert not pooled.failed
    assert not distributed_run.failed
    assert len(distributed_run.built) == len(jobs)
    assert len(distributed_run.peak_rss_mb) >= 1  # reported by the Dask worker processes
    sha = {p: e.sha256 for p, e in read_manifest(local).items()}
    assert sha == {p: e.sha256 for p, e in read_manifest(remote).items()}
    assert sorted(sha) == sorted(j.path for j in jobs)
    # a rerun on the cluster skips every page
    again = build.build_edition(jobs, SAMPLE, remote, scheduler=cluster)
    assert (len(again.built), len(again.skipped)) == (0, len(jobs))


def test_an_unreachable_scheduler_is_a_clear_error(ctx, tmp_path):
    jobs = plan(ctx.figures, ["po"], ["national"])
    with pytest.raises(OSError, match="tcp://127.0.0.1:9"):  # the message names the scheduler
        build.build_edition(jobs, SAMPLE, tmp_path, scheduler="tcp://127.0.0.1:9",
                            connect_timeout=2)


def test_ctrl_c_cancels_the_pages_queued_on_the_cluster(cluster, ctx, tmp_path):
    jobs = plan(ctx.figures, ["po"], ["national", "province", "library"])[:60]

    def interrupt(item):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build.build_edition(jobs, SAMPLE, tmp_path, scheduler=cluster, progress=interrupt)
    assert len(list(tmp_path.rglob("*.pdf"))) < len(jobs) // 2
