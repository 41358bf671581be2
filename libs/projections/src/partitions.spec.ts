import { allPartitions, partitionCheckpoint, partitionOfKey, partitionOfStream } from './partitions';

describe('projection partitions', () => {
  it('put every event of a customer in the same partition, whatever the process', () => {
    expect(partitionOfStream('customer-acme', 16)).toBe(partitionOfKey('acme', 16));
    expect(partitionOfStream('customer-acme', 16)).toBe(partitionOfStream('customer-acme', 16));
  });

  it('spread customers over all partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[partitionOfStream(`customer-c-${String(i).padStart(5, '0')}`, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50); // 100 each on average; no partition left empty or starved
  });

  it('name a checkpoint per projection and partition, and list all partitions for readers', () => {
    expect(partitionCheckpoint('customer-profile', 3, 16)).toBe('customer-profile/3of16');
    expect(allPartitions(4)).toEqual({ count: 4, owned: [0, 1, 2, 3] });
  });
});
