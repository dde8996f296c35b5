// The web dashboard's addresses, shared by the server (`quartet serve`) and the page it serves.

/** Id of the inert JSON element telling the page it is the web dashboard (not a VS Code webview). */
export const DASHBOARD_ELEMENT_ID = 'quartet-dashboard';

export const DASHBOARD_PATHS = {
  /** GET: the host's messages as server-sent events; the first event (`session`) names the page's session. */
  events: '/dashboard/events',
  /** POST `?session=ID`: one webview message; a request's reply is the response body. */
  message: '/dashboard/message',
  /** GET `<name>`: the bundle, its stylesheet, fonts and the theme stand-in. */
  assets: '/dashboard/assets/',
} as const;

/** What the page reads from its DASHBOARD_ELEMENT_ID element. */
export interface DashboardConfig {
  /** Whether the server has a token at all (without one everything but reading is refused). */
  tokenRequired: boolean;
}

/** The header a page sends its token in (kept out of URLs, so out of logs and history). */
export const DASHBOARD_TOKEN_HEADER = 'authorization';
