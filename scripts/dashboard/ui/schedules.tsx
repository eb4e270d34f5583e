import { useState } from 'preact/hooks';
import { api, type ScheduleView } from './api';
import { clock, shortName } from './format';
import { usePoll } from './hooks';

/** Every schedule (rules and Scheduler schedules), when each fires next on its own, and a Fire button to run it now. */
export function SchedulesPanel() {
  const { value, error } = usePoll(api.schedules, 3000);
  const [fired, setFired] = useState<string>();
  const schedules = value?.schedules ?? [];
  const fire = async (schedule: ScheduleView) => {
    try {
      const answer = await api.fireSchedule(schedule);
      setFired(`${schedule.name} fired (${answer.id})`);
    } catch (caught) {
      setFired(`${schedule.name}: ${(caught as Error).message}`);
    }
  };
  return (
    <section class="panel schedules" aria-label="Schedules">
      <h2>
        Schedules <span class="muted">{schedules.length}</span>
      </h2>
      {error && <p class="error">{error}</p>}
      {fired && <p class="report ok" role="status">{fired}</p>}
      <table>
        <thead>
          <tr><th>schedule</th><th>expression</th><th>target</th><th>next</th><th /></tr>
        </thead>
        <tbody>
          {schedules.map((schedule) => (
            <tr key={schedule.arn}>
              <td title={schedule.arn}>{schedule.name} <span class="muted">{schedule.kind === 'rule' ? 'rule' : `scheduler/${schedule.group}`}{schedule.state === 'DISABLED' ? ', disabled' : ''}</span></td>
              <td>{schedule.scheduleExpression} <span class="muted">{schedule.timezone}</span></td>
              <td>{schedule.targets.map(shortName).join(', ')}</td>
              <td>{schedule.nextFireAt ? clock(schedule.nextFireAt) : <span class="muted">by hand</span>}</td>
              <td><button type="button" onClick={() => void fire(schedule)}>Fire</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
