// Stands in for Node built-ins that bundled libraries require only on their Node code path.
export default {};
