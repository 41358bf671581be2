export { PROJECTOR_MIGRATIONS } from './projector';
export {
  FULL_PROJECTOR_MIGRATIONS,
  registerProjectorMetrics,
  startPartitionedProjector,
  type PartitionedProjectorOptions,
  type RunningPartitionedProjector,
} from './partitioned-projector';
