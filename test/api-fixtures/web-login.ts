// --web-login: the locustfile decides who logs in (Locust: a callback route calling login_user).
import { User, constant, events, task } from 'locust-ts';

events.init.addListener(({ webUi }) => {
  if (!webUi) return;
  webUi.authArgs = { usernamePasswordCallback: '/login_submit', info: 'Log in as alice' };
  webUi.authenticate = ({ username, password }) => username === 'alice' && password === 's3cret';
});

export class IdleUser extends User {
  waitTime = constant(1);

  @task()
  idle() {}
}
