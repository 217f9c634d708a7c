package marsad.analysis;

import java.util.List;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.ListSetting;

/** The settings key of Elasticsearch's built-in mapping char filter (rules written "from => to"). */
@AnalysisSettings
public interface MappingSettings {

    @ListSetting(path = "mappings")
    List<String> mappings();
}
