package borealis.actors.serialization;

import borealis.actors.auth.ScramVerifier;
import borealis.actors.capacity.CapacityLedger;
import borealis.actors.capacity.ScalingSupervisor;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ClientConnection;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.SqlSession;
import borealis.actors.control.ClusterPurger;
import borealis.actors.control.Tenant;
import borealis.actors.control.TenantDirectory;
import borealis.actors.metrics.InsightsService;
import borealis.actors.proxy.CancelRegistry;
import borealis.actors.proxy.ProxySession;
import borealis.actors.storage.StorageSegment;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.serialization.KryoRegistrar;
import borealis.scaling.Placement;
import borealis.scaling.UsageMeter;
import java.util.TreeSet;

/**
 * Kryo ids 500-999 (800-849: control plane and multi-tenancy): the actors' messages, events and states. Append only: ids are persisted.
 */
public final class ActorsKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        // Storage segments (500-529)
        r.add(500, StorageSegment.Append.class);
        r.add(501, StorageSegment.Read.class);
        r.add(502, StorageSegment.BeginEpoch.class);
        r.add(503, StorageSegment.DurableNotice.class);
        r.add(504, StorageSegment.AppendReply.class);
        r.add(505, StorageSegment.ReadReply.class);
        r.add(506, StorageSegment.BeginEpochReply.class);
        r.add(507, StorageSegment.Appended.class);
        r.add(508, StorageSegment.EpochBegun.class);

        // Control plane (530-599)
        r.add(530, ClusterSpec.class);
        r.add(531, ScramVerifier.class);
        r.add(532, DbCluster.Create.class);
        r.add(533, DbCluster.Get.class);
        r.add(534, DbCluster.GetAuth.class);
        r.add(535, DbCluster.AllocateEpoch.class);
        r.add(536, DbCluster.AuthInfo.class);
        r.add(537, DbCluster.ComputeSpec.class);
        r.add(538, DbCluster.ClusterInfo.class);
        r.add(539, DbCluster.Created.class);
        r.add(540, DbCluster.EpochAllocated.class);
        r.add(541, DbCluster.Empty.class);
        r.add(542, DbCluster.Active.class);
        // Restore from backup (543-549).
        r.add(543, DbCluster.CreateRestored.class);
        r.add(544, DbCluster.RestoreFinished.class);
        r.add(545, DbCluster.RestoreSource.class);
        r.add(546, DbCluster.RestoreCreated.class);
        r.add(547, DbCluster.RestoreDone.class);
        r.add(548, DbCluster.Backtrack.class);
        r.add(549, DbCluster.BacktrackRequested.class);
        r.add(550, Tenant.Create.class);
        r.add(551, Tenant.Get.class);
        r.add(552, Tenant.AddCluster.class);
        r.add(553, Tenant.TenantInfo.class);
        r.add(554, Tenant.Created.class);
        r.add(555, Tenant.ClusterAdded.class);
        r.add(556, Tenant.Empty.class);
        r.add(557, Tenant.Active.class);
        r.add(560, TenantDirectory.Register.class);
        r.add(561, TenantDirectory.ListTenants.class);
        r.add(562, TenantDirectory.Done.class);
        r.add(563, TenantDirectory.Tenants.class);
        r.add(564, TenantDirectory.Registered.class);
        r.add(565, TenantDirectory.State.class);
        r.add(590, TreeSet.class);

        // Compute and sessions (600-649)
        r.add(600, ComputeInstance.OpenSession.class);
        r.add(601, ComputeInstance.Stop.class);
        r.add(610, SqlSession.Submit.class);
        r.add(611, SqlSession.Ack.class);
        r.add(612, SqlSession.Cancel.class);
        r.add(613, SqlSession.Close.class);
        r.add(620, ClientConnection.Output.class);
        r.add(621, ClientConnection.Ended.class);
        r.add(622, ProxySession.CancelRunning.class);
        r.add(623, ClientConnection.InputTaken.class);
        r.add(624, ClientConnection.Reattachable.class);

        // Capacity: moves, metering, scaling events (850-899)
        r.add(850, ComputeInstance.ReopenSession.class);
        r.add(851, ComputeInstance.ScalingChanged.class);
        r.add(852, SqlSession.Handover.class);
        r.add(853, SqlSession.DetachAck.class);
        r.add(854, ClientConnection.Detaching.class);
        r.add(855, ClientConnection.Detached.class);
        r.add(856, CapacityLedger.Accrue.class);
        r.add(857, CapacityLedger.RecordEvents.class);
        r.add(858, CapacityLedger.SetStatus.class);
        r.add(859, CapacityLedger.GetUsage.class);
        r.add(860, CapacityLedger.GetEvents.class);
        r.add(861, CapacityLedger.GetStatus.class);
        r.add(862, CapacityLedger.ScalingEvent.class);
        r.add(863, CapacityLedger.ComputeStatus.class);
        r.add(864, CapacityLedger.UsageReport.class);
        r.add(865, CapacityLedger.Events.class);
        r.add(866, CapacityLedger.Statuses.class);
        r.add(867, CapacityLedger.Accrued.class);
        r.add(868, CapacityLedger.EventsRecorded.class);
        r.add(869, CapacityLedger.StatusSet.class);
        r.add(870, CapacityLedger.Ledger.class);
        r.add(871, UsageMeter.class);
        r.add(872, UsageMeter.InstanceUsage.class);
        r.add(873, UsageMeter.Sample.class);
        r.add(874, UsageMeter.Usage.class);
        r.add(875, ScalingSupervisor.GetView.class);
        r.add(876, Placement.NodeView.class);
        r.add(877, ScalingSupervisor.Reserve.class);
        r.add(878, ScalingSupervisor.Reserved.class);
        r.add(879, ScalingSupervisor.GetInstances.class);
        r.add(880, ScalingSupervisor.Instances.class);
        r.add(881, ScalingSupervisor.InstanceView.class);

        // Wire messages from the proxy to the compute (650-699)
        r.add(650, FrontendMessage.Startup.class);
        r.add(651, FrontendMessage.SslRequest.class);
        r.add(652, FrontendMessage.GssEncRequest.class);
        r.add(653, FrontendMessage.CancelRequest.class);
        // 654 was AuthResponse (retired: authentication messages are decoded by kind, 668-669)
        r.add(655, FrontendMessage.Query.class);
        r.add(656, FrontendMessage.Parse.class);
        r.add(657, FrontendMessage.Bind.class);
        r.add(658, FrontendMessage.Describe.class);
        r.add(659, FrontendMessage.Execute.class);
        r.add(660, FrontendMessage.Close.class);
        r.add(661, FrontendMessage.Sync.class);
        r.add(662, FrontendMessage.Flush.class);
        r.add(663, FrontendMessage.Terminate.class);
        r.add(664, FrontendMessage.CopyData.class);
        r.add(665, FrontendMessage.CopyDone.class);
        r.add(666, FrontendMessage.CopyFail.class);
        r.add(667, FrontendMessage.FunctionCall.class);
        r.add(668, FrontendMessage.SaslInitialResponse.class);
        r.add(669, FrontendMessage.SaslResponse.class);

        // PostgreSQL compatibility (750-799)
        r.add(750, CancelRegistry.CancelBroadcast.class);

        // Control plane and multi-tenancy (800-849)
        r.add(800, DbCluster.Modify.class);
        r.add(801, DbCluster.AddReader.class);
        r.add(802, DbCluster.RemoveReader.class);
        r.add(803, DbCluster.CreateUser.class);
        r.add(804, DbCluster.DropUser.class);
        r.add(805, DbCluster.SetPassword.class);
        r.add(806, DbCluster.Delete.class);
        r.add(807, DbCluster.PurgeCompleted.class);
        r.add(808, DbCluster.ScalingModified.class);
        r.add(809, DbCluster.ReaderAdded.class);
        r.add(810, DbCluster.ReaderRemoved.class);
        r.add(811, DbCluster.UserVerifierSet.class);
        r.add(812, DbCluster.UserDropped.class);
        r.add(813, DbCluster.Deleted.class);
        r.add(814, DbCluster.Purged.class);
        r.add(815, DbCluster.Deleting.class);
        r.add(816, Tenant.Modify.class);
        r.add(817, Tenant.Delete.class);
        r.add(818, Tenant.RemoveCluster.class);
        r.add(819, Tenant.ClusterRemoved.class);
        r.add(820, Tenant.Modified.class);
        r.add(821, Tenant.Deleted.class);
        r.add(822, TenantDirectory.Unregister.class);
        r.add(823, TenantDirectory.Unregistered.class);
        r.add(824, ClusterPurger.Schedule.class);
        r.add(825, ClusterPurger.GetPending.class);
        r.add(826, ClusterPurger.Pending.class);
        r.add(827, ClusterPurger.Scheduled.class);
        r.add(828, ClusterPurger.Completed.class);
        r.add(829, ClusterPurger.Job.class);
        r.add(830, ClusterPurger.State.class);
        r.add(831, StorageSegment.Inspect.class);
        r.add(832, StorageSegment.Purge.class);
        r.add(833, StorageSegment.Purged.class);
        r.add(834, ComputeInstance.CountSessions.class);
        r.add(835, ComputeInstance.SessionCount.class);
        r.add(836, ComputeInstance.Terminate.class);

        // Observability (900-949)
        r.add(900, InsightsService.GetTopSql.class);
        r.add(901, InsightsService.TopSqlReply.class);

        // Reader instances (950-979)
        r.add(950, StorageSegment.Position.class);
        r.add(951, StorageSegment.PositionReply.class);
        r.add(952, ComputeInstance.RetainForReaders.class);
        r.add(953, ComputeInstance.RetentionGranted.class);
        r.add(955, ComputeInstance.Wake.class);
        r.add(954, SqlSession.End.class);
        r.add(956, ComputeInstance.FreezeForClone.class);
        r.add(957, ComputeInstance.ClonePoint.class);
    }
}
