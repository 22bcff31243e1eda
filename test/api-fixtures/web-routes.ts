// Locust's examples/events.py and extend_web_ui.py ported: a route on the master's web server
// (webUi.app, Locust's web_ui.app.route), a tab in the web UI (webUi.templateArgs.extended_tabs)
// whose rows ride on /stats/requests (an onSend hook, Locust's app.after_request).
import { HttpUser, constant, events, task } from 'locust-ts';

const stats = { contentLength: 0 };

// a bool default is a checkbox in the form; isMultiple with choices a multiple select
events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--my-flag', { default: true, help: 'a bool default' });
  parser.addArgument('--regions', { nargs: '*', default: ['eu'], choices: ['eu', 'us'], isMultiple: true, help: 'where' });
});

events.testStart.addListener(({ environment }) => {
  const options = environment.parsedOptions;
  console.log(`MARK my_flag=${JSON.stringify(options.my_flag)} regions=${JSON.stringify(options.regions)}`);
});

events.init.addListener(({ webUi }) => {
  // only the master has a web UI (null on workers and in headless runs)
  if (!webUi) return;
  webUi.app.get('/content-length', async () => `Total content-length received: ${stats.contentLength}`);
  webUi.templateArgs.extended_tabs = [{ title: 'Content Length', key: 'content-length' }];
  webUi.templateArgs.extended_tables = [
    { key: 'content-length', structure: [{ key: 'name', title: 'Name' }, { key: 'content_length', title: 'Total content length' }] },
  ];
  webUi.app.addHook('onSend', async (request, _reply, payload) => {
    if (!request.url.endsWith('/stats/requests') || typeof payload !== 'string') return payload;
    const extended = [{ key: 'content-length', data: [{ name: 'total', content_length: stats.contentLength }] }];
    return JSON.stringify({ ...(JSON.parse(payload) as object), extended_stats: extended });
  });
});

events.request.addListener(({ responseLength }) => {
  stats.contentLength += responseLength;
});

export class WebsiteUser extends HttpUser {
  waitTime = constant(0.2);

  @task()
  async index(): Promise<void> {
    await this.client.get('/hello');
  }
}
