export { startProjector, PROJECTOR_MIGRATIONS, type ProjectorOptions, type RunningProjector } from './projector';
export {
  FULL_PROJECTOR_MIGRATIONS,
  startPartitionedProjector,
  type PartitionedProjectorOptions,
  type RunningPartitionedProjector,
} from './partitioned-projector';
