export { startFlagOutlook, startPortageQuery, type PortageQuery } from './query.js';
export { askPortage, findPortageq, parseEnvvarOutput, PORTAGE_VARIABLES, type PortageAnswer } from './portageq.js';
export { emergeLogPath, FLAG_VARIABLES, masqueradeDirs, portageFacts, type FlagVariable, type PortageFacts } from './facts.js';
export { findFlagSites, siteLabel, type FlagSite, type FlagSiteScan } from './flag-sites.js';
export { resolveNativeFlags, type NativeFlags, type NativeResolution } from './native-flags.js';
export { isNativeWord, planNativeRewrite, planNothing, expansion, type NativePlan, type UnhandledWhy } from './native-plan.js';
export { configFiles, packageEnvUses, portageConfigFiles, readText } from './config-files.js';
export { flagOutlook, type FlagOutlook, type OutlookOptions } from './flag-outlook.js';
