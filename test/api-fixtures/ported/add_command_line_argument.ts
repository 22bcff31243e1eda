// A straight port of Locust 2.12.1's examples/add_command_line_argument.py (beside it).
import { HttpUser, events, task } from 'locust-ts';

events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--my-argument', { type: String, envVar: 'LOCUST_MY_ARGUMENT', default: '', help: "It's working" });
  // Set `includeInWebUi` to false if you want to hide from the web UI
  parser.addArgument('--my-ui-invisible-argument', { includeInWebUi: false, default: 'I am invisible' });
});

events.testStart.addListener(({ environment }) => {
  console.log(`Custom argument supplied: ${environment.parsedOptions.my_argument}`);
});

export class WebsiteUser extends HttpUser {
  @task()
  myTask() {
    console.log(`my_argument=${this.environment.parsedOptions.my_argument}`);
    console.log(`my_ui_invisible_argument=${this.environment.parsedOptions.my_ui_invisible_argument}`);
  }
}
