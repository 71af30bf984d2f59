export { startFlagOutlook, startPortageQuery, type PortageQuery } from './query.js';
export { askPortage, findPortageq, parseEnvvarOutput, PORTAGE_VARIABLES, PORTAGEQ_TIMEOUT_MS, type PortageAnswer } from './portageq.js';
export { defaultDistccDir, emergeLogPath, FLAG_VARIABLES, masqueradeDirs, portageConfigDir, portageFacts, type FlagVariable, type PortageFacts } from './facts.js';
export { findFlagSites, siteLabel, type FlagSite, type FlagSiteScan } from './flag-sites.js';
export { resolveNativeFlags, type NativeFlags, type NativeResolution } from './native-flags.js';
export { isNativeWord, NATIVE_WORDS, planNativeRewrite, planNothing, expansion, type NativePlan, type UnhandledWhy } from './native-plan.js';
export { configFiles, packageEnvUses, portageConfigFiles, readText } from './config-files.js';
export { flagOutlook, type FlagOutlook, type OutlookOptions } from './flag-outlook.js';
