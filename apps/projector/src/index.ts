export { PROJECTOR_MIGRATIONS } from './projector';
export {
  FULL_PROJECTOR_MIGRATIONS,
  startPartitionedProjector,
  type PartitionedProjectorOptions,
  type RunningPartitionedProjector,
} from './partitioned-projector';
