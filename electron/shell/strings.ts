// The few words the main process shows itself (menus, window titles, a startup error); everything inside
// the windows is the renderer's, translated there. Electron's own role labels are English outside macOS,
// so every menu item gets one of ours.
const en = {
  cashierTitle: 'Tillpoint',
  customerTitle: 'Tillpoint - Customer display',
  fileMenu: 'File',
  quit: 'Quit',
  editMenu: 'Edit',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select all',
  viewMenu: 'View',
  reload: 'Reload',
  devTools: 'Developer tools',
  actualSize: 'Actual size',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  fullScreen: 'Full screen',
  displayMenu: 'Display',
  openCustomerDisplay: 'Open customer display',
  closeCustomerDisplay: 'Close customer display',
  windowMenu: 'Window',
  minimize: 'Minimize',
  closeWindow: 'Close window',
  startupFailedTitle: 'Tillpoint could not start',
};

export type ShellStrings = typeof en;
export type ShellLocale = 'zh-CN' | 'en';

const zhCN: ShellStrings = {
  cashierTitle: 'Tillpoint 收银台',
  customerTitle: 'Tillpoint - 顾客显示屏',
  fileMenu: '文件',
  quit: '退出',
  editMenu: '编辑',
  undo: '撤销',
  redo: '重做',
  cut: '剪切',
  copy: '复制',
  paste: '粘贴',
  selectAll: '全选',
  viewMenu: '视图',
  reload: '重新加载',
  devTools: '开发者工具',
  actualSize: '实际大小',
  zoomIn: '放大',
  zoomOut: '缩小',
  fullScreen: '全屏',
  displayMenu: '显示屏',
  openCustomerDisplay: '打开顾客显示屏',
  closeCustomerDisplay: '关闭顾客显示屏',
  windowMenu: '窗口',
  minimize: '最小化',
  closeWindow: '关闭窗口',
  startupFailedTitle: 'Tillpoint 无法启动',
};

/** app.getLocale() gives e.g. "zh-CN", "zh-TW", "en-US", "de": any Chinese reads zh-CN, the rest English. */
export function shellLocale(appLocale: string): ShellLocale {
  return appLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function shellStrings(appLocale: string): ShellStrings {
  return shellLocale(appLocale) === 'zh-CN' ? zhCN : en;
}
