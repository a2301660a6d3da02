/**
 * The resolution written into image PNGs (galleries, previews), so that a document shows them at a size that fits a
 * page (an 800-pixel gallery is 5.6 inches wide) rather than a viewer's guess; charts carry 72 dpi times their
 * scale, i.e. the SVG's size.
 */
export const PNG_DPI = 144;
