import { silentLogger } from '../observability/logger';
import { busContract } from './bus.contract';
import { LocalBus } from './bus-local';

busContract(
  'local',
  async () => {
    const bus = new LocalBus(silentLogger());
    await bus.start();
    return bus;
  },
  { shared: false },
);
