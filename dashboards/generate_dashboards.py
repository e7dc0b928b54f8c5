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
    ("ACU capacity and allocation by node", [("sum by (node) (borealis_node_capacity_acu)", "{{node}} capacity"),
                                             ("sum by (node) (borealis_node_allocated_acu)", "{{node}} allocated")], "short",
     "What each node offers to compute instances and what is allocated; allocation never exceeds capacity."),
    ("Instances by state", [("sum by (state) (borealis_instance_state)", "{{state}}")], "short",
     "Compute instances running, paused, resuming or moving."),
    ("Resumes", [(f"sum(rate(borealis_resume_seconds_count[{R}])) * 60", "resumes/min"),
                 (f"histogram_quantile(0.99, sum by (le) (rate(borealis_resume_seconds_bucket[{R}])))", "p99 resume time (s)")],
     "short", "Paused clusters woken by a connecting client, and how long the wake-up took."),
    ("Scaling events by kind and reason", [(f"sum by (kind, reason) (increase(borealis_scaling_events_total[{R}]))", "{{kind}} ({{reason}})")],
     "short", "Every scaling and placement decision (scale-up, scale-down, pause, resume, move) and why."),
    ("ACU in use by tenant", [("sum by (tenant) (borealis_instance_acu)", "{{tenant}}")], "short",
     "Capacity allocated to each tenant's running instances."),
    ("Log records written (fleet)", [(f"sum(rate(borealis_volume_shipped_records_total[{R}]))", "records/s")], "ops",
     "Log records issued by every writer."),
    ("JVM heap used by node", [('sum by (instance) (jvm_memory_bytes_used{area="heap"})', "{{instance}}")], "bytes",
     "Heap in use in each node's JVM."),
]

CLUSTER = [
    ("ACU: allocation against bounds", [(f"sum by (cluster) (borealis_instance_acu{{{SEL}}})", "{{cluster}} allocated"),
                                        (f"max by (cluster) (borealis_instance_min_acu{{{SEL}}})", "{{cluster}} min"),
                                        (f"max by (cluster) (borealis_instance_max_acu{{{SEL}}})", "{{cluster}} max")], "short",
     "The allocation follows load within [min, max]."),
    ("CPU: used against allowed", [(f"sum by (cluster) (rate(borealis_instance_cpu_seconds_total{{{SEL}}}[{R}]))", "{{cluster}} used"),
                                   (f"sum by (cluster) (borealis_instance_cpu_budget_ratio{{{SEL}}})", "{{cluster}} allowed")],
     "short", "CPU-seconds per second statements used, and what the allocation allows."),
    ("Waiting for CPU", [(f"sum by (cluster) (borealis_instance_statements_waiting{{{SEL}}})", "{{cluster}} statements waiting"),
                         (f"sum by (cluster) (rate(borealis_instance_cpu_wait_seconds_total{{{SEL}}}[{R}]))", "{{cluster}} wait s/s")],
     "short", "Over budget, statements queue: the first signal to scale up."),
    ("Statements by outcome", [(f"sum by (cluster, outcome) (rate(borealis_statements_total{{{SEL}}}[{R}]))", "{{cluster}} {{outcome}}")],
     "ops", "Statements per second, succeeded or failed."),
    ("Statement latency", [(f"histogram_quantile(0.5, sum by (le, cluster) (rate(borealis_statement_duration_seconds_bucket{{{SEL}}}[{R}])))", "{{cluster}} p50"),
                           (f"histogram_quantile(0.99, sum by (le, cluster) (rate(borealis_statement_duration_seconds_bucket{{{SEL}}}[{R}])))", "{{cluster}} p99")],
     "s", "Time in the engine per statement (execution and fetching rows)."),
    ("Transactions by outcome", [(f"sum by (cluster, outcome) (rate(borealis_transactions_total{{{SEL}}}[{R}]))", "{{cluster}} {{outcome}}")],
     "ops", "Commits and rollbacks, explicit and implicit."),
    ("Sessions and slots", [(f"sum by (cluster) (borealis_instance_sessions{{{SEL}}})", "{{cluster}} sessions"),
                            (f"sum by (cluster) (borealis_instance_connection_slots{{{SEL}}})", "{{cluster}} slots")], "short",
     "Client sessions against what the allocation allows."),
    ("ACU-seconds accrued", [(f"sum by (cluster) (increase(borealis_acu_seconds_total{{{SEL}}}[{R}]))", "{{cluster}}")], "short",
     "Metered capacity (what the tenant pays for); nothing while paused."),
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
    ("Quorum write latency", [(f"histogram_quantile(0.5, sum by (le, cluster) (rate(borealis_volume_quorum_write_seconds_bucket{{{SEL}}}[{R}])))", "{{cluster}} p50"),
                              (f"histogram_quantile(0.99, sum by (le, cluster) (rate(borealis_volume_quorum_write_seconds_bucket{{{SEL}}}[{R}])))", "{{cluster}} p99")],
     "s", "Time a commit waits until its records are on 4 of 6 replicas."),
    ("Replicas up (worst group)", [(f"min by (cluster) (borealis_volume_min_replicas_up{{{SEL}}})", "{{cluster}}")], "short",
     "Replicas answering in each volume's worst protection group: writes need 4 of 6, reads need 1."),
    ("Repairs by kind", [(f"sum by (kind) (increase(borealis_storage_repairs_total[{R}]))", "{{kind}}")], "short",
     "Replicas catching up: records from a peer (fill), a whole copy (hydrate), a corrupt block (block)."),
    ("Materialized and journal bytes by node", [("sum by (node) (borealis_segment_materialized_bytes)", "{{node}} block files"),
                                                ("sum(borealis_journal_size_bytes)", "journals")], "bytes",
     "Replica block files and journals on disk."),
    ("Records not yet durable", [(f"sum by (cluster) (borealis_volume_undurable_records{{{SEL}}})", "{{cluster}}")], "short",
     "Distance between the writer's newest LSN and the volume-durable LSN."),
    ("Replicas not answering", [(f"sum by (cluster) (borealis_volume_replicas_suspect{{{SEL}}})", "{{cluster}}")], "short",
     "Replicas that missed their last write deadline; writes continue while 4 of 6 per group answer."),
    ("Log shipped to storage", [(f"sum by (cluster) (rate(borealis_volume_shipped_bytes_total{{{SEL}}}[{R}]))", "{{cluster}} bytes/s")],
     "Bps", "Bytes sent to replicas, after LZ4 (each goes to six)."),
    ("Reads from replicas", [(f"sum by (cluster) (rate(borealis_volume_remote_reads_total{{{SEL}}}[{R}]))", "{{cluster}}")],
     "ops", "Block-cache misses served by a replica (no read quorum)."),
    ("Journal writes", [(f"sum by (journal) (rate(borealis_journal_written_bytes_total[{R}]))", "{{journal}} bytes/s"),
                        (f"sum by (journal) (rate(borealis_journal_fsyncs_total[{R}]))", "{{journal}} fsyncs/s")], "short",
     "Node-local journal: bytes appended and group commits (one fsync each)."),
    ("Journal size on disk", [("sum by (journal) (borealis_journal_size_bytes)", "{{journal}}")], "bytes",
     "Bounded by snapshots: replicas let the journal forget what their block files hold."),
    ("Replica lag (reader instances)", [(f"max by (cluster, instance) (borealis_replica_lag_seconds{{{SEL}}})", "{{cluster}} {{instance}}"),
                                        (f"max by (cluster) (borealis_replica_lag_lsn{{{SEL}}})", "{{cluster}} records behind")],
     "s", "How far behind the writer's durable point the snapshot a reader served was (bounded by refresh interval plus snapshot open time)."),
    ("Reader snapshot refreshes", [(f"sum by (cluster, instance) (rate(borealis_replica_refreshes_total{{{SEL}}}[{R}]))", "{{cluster}} {{instance}} snapshots/s"),
                                   (f"sum by (cluster, instance) (rate(borealis_replica_refresh_seconds_total{{{SEL}}}[{R}])) / clamp_min(sum by (cluster, instance) (rate(borealis_replica_refreshes_total{{{SEL}}}[{R}])), 1e-9)", "{{cluster}} {{instance}} open time (s)")],
     "short", "Snapshots readers open at newer durable points, and what one costs to open."),
]

PROXY = [
    ("Connections open", [("sum(borealis_proxy_connections)", "open")], "short", "Client connections held by the proxy."),
    ("Connections accepted and started", [(f"sum(rate(borealis_proxy_connections_accepted_total[{R}]))", "accepted/s"),
                                          (f"sum(rate(borealis_proxy_sessions_started_total[{R}]))", "sessions started/s")],
     "ops", "TCP connections accepted, and those that authenticated and reached their database."),
    ("Connections refused by reason", [(f"sum by (reason) (rate(borealis_proxy_connections_rejected_total[{R}]))", "{{reason}}")],
     "ops", "Refused before their session started: authentication, unknown database, protocol errors, unavailable, throttled."),
    ("Authentication failures", [(f"sum(rate(borealis_proxy_auth_failures_total[{R}]))", "failures/s")], "ops",
     "Wrong passwords and unknown users (throttled per source and user)."),
    ("Traffic", [(f"sum(rate(borealis_proxy_received_bytes_total[{R}]))", "from clients"),
                 (f"sum(rate(borealis_proxy_sent_bytes_total[{R}]))", "to clients")], "Bps", "Bytes through the proxy."),
    ("Time clients waited for their session",
     [(f"histogram_quantile(0.5, sum by (le) (rate(borealis_proxy_session_wait_seconds_bucket[{R}])))", "p50"),
      (f"histogram_quantile(0.99, sum by (le) (rate(borealis_proxy_session_wait_seconds_bucket[{R}])))", "p99")],
     "s", "From authentication until the session was ready, including waking a paused cluster."),
]


def write(name, d):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(d, f, indent=2)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    tenant = query_var("tenant", "Tenant", "label_values(borealis_instance_state, tenant)")
    cluster = query_var("cluster", "Cluster", 'label_values(borealis_instance_state{tenant=~"$tenant"}, cluster)')
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
