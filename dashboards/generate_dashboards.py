#!/usr/bin/env python3
"""Writes the Grafana dashboards in grafana/dashboards/ (dashboards as code).

Run `python3 dashboards/generate_dashboards.py` after changing a panel; commit the JSON it writes.
Every query may use only metrics that Borealis exports: DashboardQueriesTest checks that against a
running node, and PrometheusEndToEndIT evaluates every query through a real Prometheus.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "grafana", "dashboards")
DS = {"type": "prometheus", "uid": "${datasource}"}


def datasource_var():
    return {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
            "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []}


def query_var(name, label, query, multi=True):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "definition": query, "query": {"query": query, "refId": name},
            "refresh": 2, "multi": multi, "includeAll": True, "allValue": ".*", "current": {}, "sort": 1, "hide": 0}


def panel(pid, title, exprs, x, y, w=12, h=8, kind="timeseries", unit=None, description=""):
    targets = []
    for i, (expr, legend) in enumerate(exprs):
        targets.append({"datasource": DS, "expr": expr, "legendFormat": legend, "refId": chr(ord("A") + i)})
    p = {"id": pid, "type": kind, "title": title, "description": description, "datasource": DS,
         "gridPos": {"x": x, "y": y, "w": w, "h": h}, "targets": targets,
         "fieldConfig": {"defaults": {"unit": unit or "short"}, "overrides": []}, "options": {}}
    if kind == "timeseries":
        p["options"] = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
    return p


def dashboard(uid, title, description, panels, variables):
    return {"uid": uid, "title": title, "description": description, "tags": ["borealis"], "timezone": "browser",
            "schemaVersion": 38, "version": 1, "editable": True, "refresh": "10s",
            "time": {"from": "now-1h", "to": "now"}, "templating": {"list": variables},
            "annotations": {"list": []}, "panels": panels}


def grid(specs):
    """Lays panels out two per row."""
    panels = []
    for i, spec in enumerate(specs):
        title, exprs, unit, desc = spec
        panels.append(panel(i + 1, title, exprs, (i % 2) * 12, (i // 2) * 8, unit=unit, description=desc))
    return panels


R = "$__rate_interval"
SEL = 'tenant=~"$tenant", cluster=~"$cluster"'

FLEET = [
    ("Nodes up by zone", [("sum by (zone) (borealis_nodes)", "{{zone}}")], "short",
     "Cluster members that are up, per availability zone."),
    ("Log records written (fleet)", [(f"sum(rate(borealis_volume_shipped_records_total[{R}]))", "records/s")], "ops",
     "Log records issued by every writer."),
    ("Log bytes shipped (fleet)", [(f"sum(rate(borealis_volume_shipped_bytes_total[{R}]))", "bytes/s")], "Bps",
     "Bytes sent to storage (each goes to 6 replicas)."),
    ("JVM heap used by node", [('sum by (instance) (jvm_memory_bytes_used{area="heap"})', "{{instance}}")], "bytes",
     "Heap in use in each node's JVM."),
]

CLUSTER = [
    ("Block cache size and capacity", [(f"sum by (cluster) (borealis_cache_size_bytes{{{SEL}}})", "{{cluster}} used"),
                                       (f"sum by (cluster) (borealis_cache_capacity_bytes{{{SEL}}})", "{{cluster}} capacity")],
     "bytes", "The ACU-sized buffer pool of each writer."),
    ("Block cache hit ratio",
     [(f"sum by (cluster) (rate(borealis_cache_hits_total{{{SEL}}}[{R}])) / clamp_min(sum by (cluster) (rate(borealis_cache_hits_total{{{SEL}}}[{R}])) + sum by (cluster) (rate(borealis_cache_misses_total{{{SEL}}}[{R}])), 1e-9)", "{{cluster}}")],
     "percentunit", "Share of block reads served from memory."),
    ("Writes (log records)", [(f"sum by (cluster) (rate(borealis_volume_shipped_records_total{{{SEL}}}[{R}]))", "{{cluster}}")],
     "ops", "Log records issued by the writer."),
    ("Database size", [(f"sum by (cluster) (borealis_volume_size_bytes{{{SEL}}})", "{{cluster}}")], "bytes",
     "Size of the database file on the volume."),
]

STORAGE = [
    ("Records not yet durable", [(f"sum by (cluster) (borealis_volume_undurable_records{{{SEL}}})", "{{cluster}}")], "short",
     "Distance between the writer's newest LSN and the volume-durable LSN."),
    ("Replicas not answering", [(f"sum by (cluster) (borealis_volume_replicas_suspect{{{SEL}}})", "{{cluster}}")], "short",
     "Replicas that missed their last write deadline; writes continue while 4 of 6 per group answer."),
    ("Journal writes", [(f"sum by (journal) (rate(borealis_journal_written_bytes_total[{R}]))", "{{journal}} bytes/s"),
                        (f"sum by (journal) (rate(borealis_journal_fsyncs_total[{R}]))", "{{journal}} fsyncs/s")], "short",
     "Node-local journal: bytes appended and group commits (one fsync each)."),
    ("Journal size on disk", [("sum by (journal) (borealis_journal_size_bytes)", "{{journal}}")], "bytes",
     "Bounded by snapshots: replicas let the journal forget what their block files hold."),
    ("Reads from replicas", [(f"sum by (cluster) (rate(borealis_volume_remote_reads_total{{{SEL}}}[{R}]))", "{{cluster}}")],
     "ops", "Block-cache misses served by a replica (no read quorum)."),
]

PROXY = [
    ("JVM threads by node", [("sum by (instance) (jvm_threads_current)", "{{instance}}")], "short",
     "Threads per node JVM."),
]


def write(name, d):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(d, f, indent=2)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    tenant = query_var("tenant", "Tenant", "label_values(borealis_volume_lsn, tenant)")
    cluster = query_var("cluster", "Cluster", 'label_values(borealis_volume_lsn{tenant=~"$tenant"}, cluster)')
    write("borealis-fleet.json", dashboard("borealis-fleet", "Borealis / Fleet overview",
                                           "Capacity, allocation, activity across the fleet.", grid(FLEET), [datasource_var()]))
    write("borealis-cluster.json", dashboard("borealis-cluster", "Borealis / Cluster",
                                             "One tenant's database clusters: capacity against load, latency, sessions, cache.",
                                             grid(CLUSTER), [datasource_var(), tenant, cluster]))
    write("borealis-storage.json", dashboard("borealis-storage", "Borealis / Storage",
                                             "Quorum writes, replicas, repair and the journals.", grid(STORAGE),
                                             [datasource_var(), tenant, cluster]))
    write("borealis-proxy.json", dashboard("borealis-proxy", "Borealis / Proxy",
                                           "Client connections, authentication and traffic.", grid(PROXY), [datasource_var()]))


if __name__ == "__main__":
    main()
