// Command ids, declared once: package.json contributes the same strings.

export const CommandIds = {
  newTask: 'quartet.newTask',
  refresh: 'quartet.refresh',
  stopAttempt: 'quartet.stopAttempt',
  retryAttempt: 'quartet.retryAttempt',
  resumeAttempt: 'quartet.resumeAttempt',
  landAttempt: 'quartet.landAttempt',
  landAttemptLocally: 'quartet.landAttemptLocally',
  landAttemptAsPr: 'quartet.landAttemptAsPr',
  setGithubToken: 'quartet.setGithubToken',
  signInGithub: 'quartet.signInGithub',
  resolveWithAgent: 'quartet.resolveWithAgent',
  reworkAttempt: 'quartet.reworkAttempt',
  distillSkills: 'quartet.distillSkills',
  landSkillsBranch: 'quartet.landSkillsBranch',
  showDiff: 'quartet.showDiff',
  openWorktree: 'quartet.openWorktree',
  openTerminal: 'quartet.openTerminal',
  revealJournal: 'quartet.revealJournal',
  acceptRequest: 'quartet.acceptRequest',
  declineRequest: 'quartet.declineRequest',
  answerQuestion: 'quartet.answerQuestion',
  showLogs: 'quartet.showLogs',
  startAutopilot: 'quartet.startAutopilot',
  stopAutopilot: 'quartet.stopAutopilot',
  refreshAutopilot: 'quartet.refreshAutopilot',
  launchIssueAttempts: 'quartet.launchIssueAttempts',
  openIssue: 'quartet.openIssue',
  cleanUp: 'quartet.cleanUp',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
