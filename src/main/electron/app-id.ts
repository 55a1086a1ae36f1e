/** Windows groups the taskbar and notifications by this id: electron-builder.yml's appId (the NSIS shortcut's). */
export const APP_USER_MODEL_ID = 'dev.worktrace.agent';
